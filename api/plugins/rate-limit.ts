import type { Plugin, Request, Server } from '@hapi/hapi';
import RateLimit from 'hapi-rate-limit';
import Joi from 'joi';
import { clientAddress } from '../client-address.js';
import { apiError } from '../errors.js';
import type { WindowCounter } from '../limits/window-counter.js';
import { CAPTCHA_WINDOW_MS, MAX_LIMIT_WINDOW_MS } from '../policy.js';

const PLUGIN = 'imageka-rate-limit';
/** Set by us on every request (any client-sent value is overwritten) for hapi-rate-limit to key on. */
const CLIENT_HEADER = 'x-imageka-client';

export interface RateLimitPluginOptions {
  /** Proxies in front of the server whose X-Forwarded-For entries are trusted (0: ignore the header). */
  trustedProxies: number;
  generatePerWindow: number;
  generateWindowMs: number;
  generationCounter: WindowCounter;
  now: () => number;
  /** hapi cache name for hapi-rate-limit's records (the server's default cache when omitted). */
  cache?: string;
}

const optionsSchema = Joi.object<RateLimitPluginOptions>({
  trustedProxies: Joi.number().integer().min(0).max(10).required(),
  generatePerWindow: Joi.number().integer().min(1).required(),
  generateWindowMs: Joi.number().integer().min(1000).max(MAX_LIMIT_WINDOW_MS).required(),
  generationCounter: Joi.object().required(),
  now: Joi.function().required(),
  cache: Joi.string(),
});

export interface GenerationLimit {
  /** Counts one generation attempt for this client; throws 429 `rate_limited` beyond the limit. */
  check(request: Request): Promise<void>;
  /** What this client has left in the current window, without counting anything. */
  allowance(request: Request): Promise<GenerationAllowance>;
}

export interface GenerationAllowance {
  generationsLeft: number;
  /** Epoch ms when the window (and with it `generationsLeft`) starts over. */
  resetAt: number;
}

declare module '@hapi/hapi' {
  interface PluginProperties {
    [PLUGIN]: GenerationLimit;
  }
}

/**
 * Per-client limits. Captcha routes opt in through hapi-rate-limit's per-route `userPathLimit`
 * (requests per minute); generation is counted by an atomic window counter, which stays exact
 * when the counter is shared by several instances. No limit is global across clients.
 */
export const rateLimitPlugin: Plugin<RateLimitPluginOptions> = {
  name: PLUGIN,
  async register(server: Server, rawOptions) {
    const options = Joi.attempt(rawOptions, optionsSchema, `Invalid "${PLUGIN}" options`);

    server.ext('onRequest', (request, h) => {
      request.headers[CLIENT_HEADER] = clientAddress(request, options.trustedProxies);
      return h.continue;
    });

    const cache = options.cache ? { cache: options.cache } : {};
    await server.register({
      plugin: RateLimit,
      options: {
        userLimit: false,
        pathLimit: false,
        authLimit: false,
        userPathLimit: false,
        addressOnly: true,
        trustProxy: true,
        proxyHeaderName: CLIENT_HEADER,
        getIpFromProxyHeader: (value: string) => value,
        userPathCache: { expiresIn: CAPTCHA_WINDOW_MS, ...cache },
        userCache: { expiresIn: CAPTCHA_WINDOW_MS, ...cache },
        pathCache: { expiresIn: CAPTCHA_WINDOW_MS, ...cache },
        authCache: { expiresIn: CAPTCHA_WINDOW_MS, ...cache },
        // hapi-rate-limit's own 429 has no code and no Retry-After; its reset time is epoch ms.
        limitExceededResponse: (request: Request) => {
          const state = (request.plugins as Record<string, { userPathReset?: number } | undefined>)['hapi-rate-limit'];
          return tooMany(((state?.userPathReset ?? 0) - Date.now()) / 1000);
        },
      },
    });

    server.expose('check', async (request: Request) => {
      const { count, resetAt } = await options.generationCounter.hit(clientKey(request));
      if (count > options.generatePerWindow) throw tooMany((resetAt - options.now()) / 1000);
    });

    server.expose('allowance', async (request: Request): Promise<GenerationAllowance> => {
      const { count, resetAt } = await options.generationCounter.peek(clientKey(request));
      return { generationsLeft: Math.max(0, options.generatePerWindow - count), resetAt };
    });
  },
};

/** The address key every per-client limit counts by. */
export function clientKey(request: Request): string {
  return String(request.headers[CLIENT_HEADER]);
}

function tooMany(secondsUntilReset: number) {
  return apiError(429, 'rate_limited', 'Too many requests from your network. Wait, then try again.', {
    retryAfter: Math.max(1, secondsUntilReset),
  });
}
