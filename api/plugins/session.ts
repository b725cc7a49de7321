import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Plugin, Request, ResponseToolkit, RouteOptions, Server } from '@hapi/hapi';
import Statehood from '@hapi/statehood';
import Yar from '@hapi/yar';
import Joi from 'joi';
import { SESSION_COOKIE, SESSION_HEADER, type CaptchaResponse } from '../../sdk/types.js';
import { renderCaptchaImage } from '../captcha/image.js';
import type { CaptchaMaker } from '../captcha/maker.js';
import type { CaptchaRecord, CaptchaStore } from '../captcha/store.js';
import { headerText } from '../client-address.js';
import { apiError } from '../errors.js';

const PLUGIN = 'imageka-session';

export interface SessionPluginOptions {
  password: string;
  captcha: CaptchaMaker;
  /** Speaks an answer as a WAV file. */
  speak: (answer: string) => Promise<Buffer>;
  store: CaptchaStore;
  now: () => number;
  /** `Secure; SameSite=None; Partitioned`, for pages on other sites that embed the widget. */
  crossSite: boolean;
  secureCookie: boolean;
  captchaTtlMs: number;
  sessionTtlMs: number;
  /** Captchas (image or audio) one client may fetch per minute. */
  captchaPerMinute: number;
  /** hapi cache name holding sessions (the server's default cache when omitted). */
  cache?: string;
}

const optionsSchema = Joi.object<SessionPluginOptions>({
  password: Joi.string().min(32).required(),
  captcha: Joi.function().required(),
  speak: Joi.function().required(),
  store: Joi.object().required(),
  now: Joi.function().required(),
  crossSite: Joi.boolean().required(),
  secureCookie: Joi.boolean().required(),
  captchaTtlMs: Joi.number().integer().min(1000).required(),
  sessionTtlMs: Joi.number().integer().min(1000).required(),
  captchaPerMinute: Joi.number().integer().min(1).required(),
  cache: Joi.string(),
});

export interface CaptchaGate {
  /** Spends the pending answer (right or wrong); throws the matching Boom unless `given` was right. */
  consume(request: Request, given: string): Promise<void>;
}

declare module '@hapi/hapi' {
  interface PluginProperties {
    [PLUGIN]: CaptchaGate;
  }
}

/** The session cookie, the captcha it guards, and the cookie-free header that can stand in for it. */
export const sessionPlugin: Plugin<SessionPluginOptions> = {
  name: PLUGIN,
  dependencies: ['imageka-rate-limit', 'imageka-metrics'],
  async register(server: Server, rawOptions) {
    const options = Joi.attempt(rawOptions, optionsSchema, `Invalid "${PLUGIN}" options`);
    const { metrics } = server.plugins['imageka-metrics'];
    const cookieOptions = {
      password: options.password,
      isHttpOnly: true,
      isSecure: options.crossSite || options.secureCookie,
      isSameSite: options.crossSite ? ('None' as const) : ('Lax' as const),
      isPartitioned: options.crossSite,
      path: '/',
      clearInvalid: true,
      ignoreErrors: true,
    };
    await server.register({
      plugin: Yar,
      options: {
        name: SESSION_COOKIE,
        maxCookieSize: 0,
        storeBlank: false,
        cache: { expiresIn: options.sessionTtlMs, ...(options.cache ? { cache: options.cache } : {}) },
        // yar's typings lack isPartitioned; statehood (hapi's cookie layer) accepts it.
        cookieOptions: cookieOptions as never,
        // 256 random bits: yar's default UUID has only 122.
        customSessionIDGenerator: () => randomBytes(32).toString('base64url'),
      } as never,
    });

    // Browsers that block third-party cookies still work: the sealed session travels in a header
    // the SDK keeps in memory. Turning it into the cookie before hapi parses cookies means every
    // later step (yar, single use, expiry) is the same code path.
    server.ext('onRequest', (request, h) => {
      const sealed = request.headers[SESSION_HEADER.toLowerCase()];
      if (typeof sealed === 'string' && /^[\w*\-.~]+$/.test(sealed)) {
        const others = headerText(request, 'cookie')
          .split(';')
          .filter((part: string) => part.trim() && !part.trim().startsWith(`${SESSION_COOKIE}=`));
        request.headers.cookie = [...others, `${SESSION_COOKIE}=${sealed}`].join('; ');
      }
      return h.continue;
    });

    // yar saves the session after every other step, and a failed save (the store went away
    // mid-request) would replace the response, skipping the headers set before it. Nothing depends
    // on that record: answers live in the captcha store and the cookie is already set.
    server.ext('onPreAuth', (request, h) => {
      const commit = request.yar.commit.bind(request.yar);
      request.yar.commit = (toolkit) => commit(toolkit).catch(() => request.log(['session', 'error'], 'session not saved: store unavailable'));
      return h.continue;
    });

    const sealSession = (id: string): Promise<string> =>
      Statehood.prepareValue(SESSION_COOKIE, { id }, { encoding: 'iron', password: options.password });

    const limited: RouteOptions = {
      cors: true,
      plugins: { 'hapi-rate-limit': { userPathLimit: options.captchaPerMinute }, yar: { skip: false } },
    };

    server.route({
      method: 'GET',
      path: '/api/v1/captcha',
      options: { ...limited, description: 'Issue a captcha, replacing any earlier one in this session' },
      async handler(request, h) {
        const challenge = options.captcha();
        const expiresAt = options.now() + options.captchaTtlMs;
        await options.store.put(request.yar.id, { answer: challenge.text.toLowerCase(), expiresAt }, options.captchaTtlMs * 2);
        request.yar.set('pending', true);
        const image = await renderCaptchaImage(challenge);
        metrics.captchaIssued();
        const body: CaptchaResponse = {
          image: `data:${image.mimeType};base64,${image.bytes.toString('base64')}`,
          width: image.width,
          height: image.height,
          expiresAt: new Date(expiresAt).toISOString(),
          audio: '/api/v1/captcha/audio',
        };
        return h.response(body).header(SESSION_HEADER, await sealSession(request.yar.id));
      },
    });

    server.route({
      method: 'GET',
      path: '/api/v1/captcha/audio',
      options: { ...limited, description: 'The pending captcha, spoken (audio/wav)' },
      async handler(request, h: ResponseToolkit) {
        const record = pending(await options.store.peek(request.yar.id), options.now());
        const audio = await options.speak(record.answer);
        metrics.captchaSpoken();
        return h.response(audio).type('audio/wav');
      },
    });

    server.expose('consume', async (request: Request, given: string) => {
      // Cleared in the session too; touched only when present so no cookie is set on a request without one.
      if (request.yar.get('pending') !== null) request.yar.clear('pending');
      const taken = await options.store.take(request.yar.id);
      if (taken && taken.expiresAt <= options.now()) metrics.captchaSpent('expired');
      const record = pending(taken, options.now());
      const right = sameAnswer(record.answer, given);
      metrics.captchaSpent(right ? 'right' : 'wrong');
      if (!right) {
        throw apiError(403, 'captcha_wrong', 'The captcha answer was wrong. Each captcha allows one attempt: load a new one and try again.');
      }
    });
  },
};

function pending(record: CaptchaRecord | null, now: number): CaptchaRecord {
  if (!record) {
    throw apiError(400, 'captcha_missing', 'No captcha is pending for this session. Load a captcha, then send its answer.');
  }
  if (record.expiresAt <= now) {
    throw apiError(403, 'captcha_expired', 'The captcha expired. Load a new one and try again.');
  }
  return record;
}

function sameAnswer(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given.trim().toLowerCase());
  return a.length === b.length && timingSafeEqual(a, b);
}
