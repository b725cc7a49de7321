import type { Plugin, Server } from '@hapi/hapi';
import Joi from 'joi';
import type { PowChallenge, PowSolution } from '../../sdk/types.js';
import { apiError } from '../errors.js';
import { checkSignature, checkWork, issueChallenge, powSecret, type PowBinding } from '../pow/challenge.js';
import { difficultyAt, loadOf, type Difficulty } from '../pow/difficulty.js';
import type { RecentGenerations, SpentProofs } from '../pow/ledger.js';

const PLUGIN = 'imageka-pow';

export interface PowPluginOptions {
  /** The session secret; challenges are signed with a key derived from it. */
  sessionSecret: string;
  /** Expected PBKDF2 iterations per captcha at rest and at full load. */
  minCost: number;
  maxCost: number;
  /** Generations per hour (whole deployment) that count as full load; unset: only the queue counts. */
  fullRatePerHour?: number;
  spent: SpentProofs;
  recent: RecentGenerations;
  now: () => number;
}

const optionsSchema = Joi.object<PowPluginOptions>({
  sessionSecret: Joi.string().min(32).required(),
  minCost: Joi.number().integer().min(1000).required(),
  maxCost: Joi.number().integer().min(Joi.ref('minCost')).required(),
  fullRatePerHour: Joi.number().positive(),
  spent: Joi.object().required(),
  recent: Joi.object().required(),
  now: Joi.function().required(),
});

export interface PowGate {
  /** The difficulty a challenge issued now gets (also for metrics). */
  difficulty(): Promise<Difficulty>;
  /** A challenge for the captcha just issued in this session, at the current difficulty. */
  challenge(binding: PowBinding): Promise<PowChallenge>;
  /** Spends the solution; throws 403 `pow_invalid` unless it is this captcha's, unexpired, unused and right. */
  verify(binding: PowBinding, solution: PowSolution): Promise<void>;
  /** Counts a generation that started, for the load. */
  started(): Promise<void>;
}

declare module '@hapi/hapi' {
  interface PluginProperties {
    [PLUGIN]: PowGate;
  }
}

const invalid = (why: string) => apiError(403, 'pow_invalid', `The proof of work ${why}. Load a new captcha and try again.`);

/**
 * The proof of work that comes with each captcha: its difficulty follows the deployment's load
 * (recent generations against the budget, this instance's queue against its capacity), and
 * each solution is accepted once.
 */
export const powPlugin: Plugin<PowPluginOptions> = {
  name: PLUGIN,
  register(server: Server, rawOptions) {
    const options = Joi.attempt(rawOptions, optionsSchema, `Invalid "${PLUGIN}" options`);
    const secret = powSecret(options.sessionSecret);

    const difficulty = async (): Promise<Difficulty> => {
      // The generation gate belongs to the generate plugin, registered later; read it when asked.
      const queue = server.plugins['imageka-generate']?.queue() ?? { busy: 0, capacity: 0 };
      const recentPerHour = options.fullRatePerHour ? await options.recent.perHour() : 0;
      const load = loadOf({ recentPerHour, fullRatePerHour: options.fullRatePerHour, ...queue });
      return difficultyAt(load, options);
    };

    const gate: PowGate = {
      difficulty,
      challenge: async (binding) => issueChallenge(secret, binding, await difficulty()),
      async verify(binding, solution) {
        const verdict = checkSignature(secret, binding, solution, options.now());
        if (verdict === 'forged') throw invalid('does not belong to this captcha and session');
        if (verdict === 'expired') throw invalid('expired with its captcha');
        // Spent before the derivation, so a replay costs the server one store call and no work.
        if (!(await options.spent.spend(solution.signature, Date.parse(solution.expiresAt)))) throw invalid('was already used');
        if (!(await checkWork(solution))) throw invalid('is not solved');
      },
      async started() {
        // Only the difficulty depends on it: a store hiccup must not fail a generation already allowed.
        await options.recent.add().catch(() => server.log(['pow', 'error'], 'generation not counted: store unavailable'));
      },
    };
    for (const [name, method] of Object.entries(gate)) server.expose(name, method);
  },
};
