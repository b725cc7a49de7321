import type { Plugin, Request, Server } from '@hapi/hapi';
import Joi from 'joi';
import { apiError } from '../errors.js';
import type { BudgetCounter, BudgetWindow } from '../limits/budget-counter.js';
import type { ClientSlot, ClientSlots } from '../limits/client-slots.js';
import { clientKey } from './rate-limit.js';

const PLUGIN = 'imageka-capacity';
const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;
/** A client at its limit waits for its own generation; a few seconds is a fair first guess. */
const CONCURRENT_RETRY_SECONDS = 5;

export interface CapacityPluginOptions {
  /** Generations the whole deployment starts per UTC clock hour; undefined: no cap. */
  budgetPerHour?: number;
  /** Generations the whole deployment starts per UTC day; undefined: no cap. */
  budgetPerDay?: number;
  budgetCounter: BudgetCounter;
  /** Generations one client may have running or waiting at once. */
  maxInFlightPerClient: number;
  clientSlots: ClientSlots;
  now: () => number;
}

const optionsSchema = Joi.object<CapacityPluginOptions>({
  budgetPerHour: Joi.number().integer().min(1),
  budgetPerDay: Joi.number().integer().min(1),
  budgetCounter: Joi.object().required(),
  maxInFlightPerClient: Joi.number().integer().min(1).required(),
  clientSlots: Joi.object().required(),
  now: Joi.function().required(),
});

/** A generation admitted past the client and budget limits, until it ends. */
export interface Admission {
  /** The generation goes upstream now: from here on it counts against the budget whatever happens. */
  start(): void;
  /** Frees the client's slot and, unless it started, gives its share of the budget back. Idempotent. */
  release(): void;
}

export interface BudgetLeft {
  limit: number;
  used: number;
  left: number;
  /** Epoch ms at which the window ends. */
  resetAt: number;
}

export interface Capacity {
  /**
   * Takes one of the client's slots (429 `concurrent_limit` when it has none left) and one
   * generation of every budget window (503 `capacity_reached` when one is used up).
   */
  admit(request: Request): Promise<Admission>;
  /** What is left of each configured window now (for metrics); `{}` without a budget. */
  budgetLeft(): Promise<{ hour?: BudgetLeft; day?: BudgetLeft }>;
}

declare module '@hapi/hapi' {
  interface PluginProperties {
    [PLUGIN]: Capacity;
  }
}

/**
 * What bounds abuse whatever an attacker solves: the operator's total budget, and a fair share
 * per client. Both are taken before the captcha is looked at, so a refusal spends nothing.
 */
export const capacityPlugin: Plugin<CapacityPluginOptions> = {
  name: PLUGIN,
  dependencies: ['imageka-rate-limit'],
  register(server: Server, rawOptions) {
    const options = Joi.attempt(rawOptions, optionsSchema, `Invalid "${PLUGIN}" options`);

    /** The current windows, the day first: when both are full the longer wait is the true one. */
    const windows = (): BudgetWindow[] => {
      const now = options.now();
      const result: BudgetWindow[] = [];
      const add = (name: BudgetWindow['name'], lengthMs: number, limit: number | undefined) => {
        if (limit === undefined) return;
        const index = Math.floor(now / lengthMs);
        result.push({ name, key: `${name}:${index}`, limit, endsAt: (index + 1) * lengthMs });
      };
      add('day', DAY_MS, options.budgetPerDay);
      add('hour', HOUR_MS, options.budgetPerHour);
      return result;
    };

    const admit = async (request: Request): Promise<Admission> => {
      const slot = await options.clientSlots.acquire(clientKey(request), options.maxInFlightPerClient);
      if (!slot) {
        throw apiError(429, 'concurrent_limit', 'An image for your network is already being made. Wait until it is ready, then try again.', {
          retryAfter: CONCURRENT_RETRY_SECONDS,
        });
      }
      let counted: BudgetWindow[];
      try {
        counted = windows();
        const full = await options.budgetCounter.take(counted);
        if (full) throw capacityReached(full, options.now());
      } catch (error) {
        void slot.release();
        throw error;
      }
      return admission(slot, counted, options.budgetCounter, request);
    };

    server.expose('admit', admit);
    server.expose('budgetLeft', async () => {
      const current = windows();
      const used = await options.budgetCounter.used(current);
      return Object.fromEntries(
        current.map((window, i) => [window.name, { limit: window.limit, used: used[i]!, left: Math.max(0, window.limit - used[i]!), resetAt: window.endsAt }]),
      );
    });
  },
};

function admission(slot: ClientSlot, counted: BudgetWindow[], counter: BudgetCounter, request: Request): Admission {
  let started = false;
  let released = false;
  return {
    start: () => void (started = true),
    release: () => {
      if (released) return;
      released = true;
      void slot.release();
      // Lost if the store is away: the budget then errs on the operator's side.
      if (!started) counter.giveBack(counted).catch(() => request.log(['generate', 'error'], 'budget not given back: store unavailable'));
    },
  };
}

function capacityReached(window: BudgetWindow, now: number) {
  const message =
    window.name === 'day'
      ? "Today's free images are used up. More are available after midnight UTC."
      : "This hour's free images are used up. More are available at the start of the next hour.";
  const error = apiError(503, 'capacity_reached', message, { retryAfter: (window.endsAt - now) / 1000 });
  (error.output.payload as unknown as { window: BudgetWindow['name'] }).window = window.name;
  return error;
}
