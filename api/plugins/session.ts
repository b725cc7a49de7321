import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Plugin, Request, ResponseToolkit, RouteOptions, Server } from '@hapi/hapi';
import Iron from '@hapi/iron';
import Statehood from '@hapi/statehood';
import Yar from '@hapi/yar';
import Joi from 'joi';
import { SESSION_COOKIE, SESSION_HEADER, type CaptchaResponse, type PowSolution } from '../../sdk/types.js';
import { renderCaptchaImage } from '../captcha/image.js';
import type { CaptchaMaker } from '../captcha/maker.js';
import { SpeechBusyError } from '../captcha/speech-thread.js';
import { LANGUAGE_TAG_PATTERN, spokenLanguageFor } from '../captcha/spoken-languages.js';
import type { CaptchaRecord, CaptchaStore } from '../captcha/store.js';
import { headerText } from '../client-address.js';
import { apiError } from '../errors.js';
import type { WindowCounter } from '../limits/window-counter.js';
import { clientKey } from './rate-limit.js';
import { ROUTE_SUMMARIES } from '../route-summaries.js';

const PLUGIN = 'imageka-session';
/** Drawn at twice its size: sharp on high-density screens, still a small WebP. */
const CAPTCHA_SCALE = 2;

export interface SpeakContext {
  language: string;
  client: string;
}


export interface SessionPluginOptions {
  password: string;
  captcha: CaptchaMaker;
  /** Speaks an answer as a WAV file in a language of `SPOKEN_LANGUAGES`; `client` is whose share of the speech threads it takes. */
  speak: (answer: string, context: SpeakContext) => Promise<Buffer>;
  /** Counts the times each captcha is played (atomically, across instances when shared). */
  audioPlays: WindowCounter;
  /** Times one captcha may be played; one more answers `captcha_audio_limit`. */
  audioPerCaptcha: number;
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
  audioPlays: Joi.object().required(),
  audioPerCaptcha: Joi.number().integer().min(1).required(),
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
  /**
   * Checks the proof of work first (a bad one leaves the captcha pending), then spends the
   * pending answer (right or wrong); throws the matching Boom unless both were right.
   */
  consume(request: Request, given: string, pow: PowSolution | undefined): Promise<void>;
}

declare module '@hapi/hapi' {
  interface PluginProperties {
    [PLUGIN]: CaptchaGate;
  }
}

/** The session cookie, the captcha it guards, and the cookie-free header that can stand in for it. */
export const sessionPlugin: Plugin<SessionPluginOptions> = {
  name: PLUGIN,
  dependencies: ['imageka-rate-limit', 'imageka-pow', 'imageka-metrics'],
  async register(server: Server, rawOptions) {
    const options = Joi.attempt(rawOptions, optionsSchema, `Invalid "${PLUGIN}" options`);
    const { metrics } = server.plugins['imageka-metrics'];
    // The seal carries its own expiry, on the server's clock: a value copied from (or planted in)
    // a browser is refused once it is older than a session lives, whatever the store still holds.
    const seal = {
      ...Iron.defaults,
      ttl: options.sessionTtlMs,
      timestampSkewSec: 0,
      get localtimeOffsetMsec() {
        return options.now() - Date.now();
      },
    };
    const cookieOptions = {
      password: options.password,
      iron: seal,
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
        customSessionIDGenerator: newSessionId,
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
      Statehood.prepareValue(SESSION_COOKIE, { id }, { encoding: 'iron', password: options.password, iron: seal });

    const limited: RouteOptions = {
      cors: true,
      plugins: { 'hapi-rate-limit': { userPathLimit: options.captchaPerMinute }, yar: { skip: false } },
    };

    server.route({
      method: 'GET',
      path: '/api/v1/captcha',
      options: { ...limited, description: ROUTE_SUMMARIES.captcha },
      async handler(request, h) {
        await renewSessionId(request, options.store);
        const challenge = options.captcha();
        const expiresAt = options.now() + options.captchaTtlMs;
        const answer = challenge.text.toLowerCase();
        await options.store.put(request.yar.id, { answer, expiresAt }, options.captchaTtlMs * 2);
        request.yar.set('pending', true);
        const [image, allowance, pow] = await Promise.all([
          renderCaptchaImage(challenge, undefined, { theme: darkRequested(request) ? 'dark' : 'light', scale: CAPTCHA_SCALE }),
          server.plugins['imageka-rate-limit'].allowance(request),
          server.plugins['imageka-pow'].challenge({ sessionId: request.yar.id, answer, captchaExpiresAt: expiresAt }),
        ]);
        metrics.captchaIssued();
        const body: CaptchaResponse = {
          image: `data:${image.mimeType};base64,${image.bytes.toString('base64')}`,
          width: image.width,
          height: image.height,
          expiresAt: new Date(expiresAt).toISOString(),
          audio: '/api/v1/captcha/audio',
          generationsLeft: allowance.generationsLeft,
          generationsResetAt: new Date(allowance.resetAt).toISOString(),
          pow,
        };
        return h.response(body).header(SESSION_HEADER, await sealSession(request.yar.id));
      },
    });

    server.route({
      method: 'GET',
      path: '/api/v1/captcha/audio',
      options: {
        ...limited,
        description: ROUTE_SUMMARIES.captchaAudio,
        validate: {
          // Other parameters are ignored, as before (a cache-buster must not break playback).
          query: Joi.object({ lang: Joi.string().max(35).pattern(new RegExp(LANGUAGE_TAG_PATTERN)) }).unknown(true),
          failAction: () => apiError(400, 'invalid_request', '`lang` must be a language tag such as `de` or `pt-BR`.'),
        },
      },
      async handler(request, h: ResponseToolkit) {
        const record = pending(await options.store.peek(request.yar.id), options.now());
        // Keyed by the captcha (its expiry time is set once, when it is issued), so a new one starts afresh.
        const { count } = await options.audioPlays.hit(`${request.yar.id}:${record.expiresAt}`);
        if (count > options.audioPerCaptcha) {
          throw apiError(429, 'captcha_audio_limit', `This captcha was played ${options.audioPerCaptcha} times, as often as one can be. Load a new captcha to hear another.`);
        }
        const language = spokenLanguageFor(request.query.lang as string | undefined);
        const audio = await options.speak(record.answer, { language, client: clientKey(request) }).catch((error: unknown) => {
          throw error instanceof SpeechBusyError ? busy(error) : error;
        });
        metrics.captchaSpoken();
        // Says which language was spoken: English when the one asked for has no voice.
        return h.response(audio).type('audio/wav').header('content-language', language);
      },
    });

    server.expose('consume', async (request: Request, given: string, pow: PowSolution | undefined) => {
      // Read, not taken: a missing or bad proof of work leaves the captcha for a corrected request.
      const waiting = await options.store.peek(request.yar.id);
      if (!waiting) throw noCaptcha();
      if (waiting.expiresAt <= options.now()) {
        // Dead already, so spent as expired; its proof of work expired with it and is refused below.
        await options.store.take(request.yar.id);
        metrics.captchaSpent('expired');
      }
      if (!pow) throw apiError(400, 'pow_missing', 'Send the captcha\'s solved proof of work as "pow" (the SDK does it for you).');
      await server.plugins['imageka-pow'].verify({ sessionId: request.yar.id, answer: waiting.answer, captchaExpiresAt: waiting.expiresAt }, pow);
      // Cleared in the session too; touched only when present so no cookie is set on a request without one.
      if (request.yar.get('pending') !== null) request.yar.clear('pending');
      const taken = await options.store.take(request.yar.id);
      if (taken && taken.expiresAt <= options.now()) metrics.captchaSpent('expired');
      const record = pending(taken, options.now());
      // A captcha issued in between replaced the one the proof was for: that proof cannot spend it.
      if (record.answer !== waiting.answer || record.expiresAt !== waiting.expiresAt) {
        throw apiError(403, 'pow_invalid', 'The proof of work belongs to an earlier captcha. Load a new captcha and try again.');
      }
      const right = sameAnswer(record.answer, given);
      metrics.captchaSpent(right ? 'right' : 'wrong');
      if (!right) {
        throw apiError(403, 'captcha_wrong', 'The captcha answer was wrong. Each captcha allows one attempt: load a new one and try again.');
      }
      await server.plugins['imageka-pow'].started();
    });
  },
};

function busy(error: SpeechBusyError) {
  return error.reason === 'client'
    ? apiError(429, 'rate_limited', 'Your earlier spoken captchas are still being made. Wait a moment, then try again.', { retryAfter: 1 })
    : apiError(503, 'overloaded', 'The server is making as many spoken captchas as it can. Try again in a few seconds.', { retryAfter: 2 });
}

const noCaptcha = () => apiError(400, 'captcha_missing', 'No captcha is pending for this session. Load a captcha, then send its answer.');

/** 256 random bits: yar's default UUID has only 122. */
function newSessionId(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Every captcha starts a new session: whoever holds the value from before (planted in a
 * victim's browser, or copied out of it) reaches neither this captcha nor the last one.
 */
async function renewSessionId(request: Request, store: CaptchaStore): Promise<void> {
  const previous = (request.state[SESSION_COOKIE] as { id?: unknown } | undefined)?.id;
  if (typeof previous !== 'string') return;
  // yar's reset() would do this, but it drops the old record without awaiting it: an unhandled
  // rejection when the store is away. The id is the one field yar reads on commit.
  (request.yar as { id: string }).id = newSessionId();
  await Promise.all([store.take(previous), request.server.yar.revoke(previous)]);
}

/** `?theme=dark` is a display preference, not an input: anything else draws the light captcha. */
function darkRequested(request: Request): boolean {
  return request.query.theme === 'dark';
}

function pending(record: CaptchaRecord | null, now: number): CaptchaRecord {
  if (!record) throw noCaptcha();
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
