import type { ServerOptionsCache } from '@hapi/hapi';
import Joi from 'joi';
import type { SpeakContext } from './plugins/session.js';
import type { StaticSiteOptions } from './plugins/static-site.js';
import type { OutputFormat } from './generation/normalize.js';
import type { SpeechPoolOptions } from './captcha/speech-thread.js';
import type { CaptchaMaker } from './captcha/maker.js';
import type { CaptchaStore } from './captcha/store.js';
import type { BudgetCounter } from './limits/budget-counter.js';
import type { ClientSlots } from './limits/client-slots.js';
import type { WindowCounter } from './limits/window-counter.js';
import type { RecentGenerations, SpentProofs } from './pow/ledger.js';
import type { ImageProvider } from './providers/types.js';
import { DEFAULTS } from './defaults.js';

/** Every option createServer accepts; each omitted one takes its value from DEFAULTS (defaults.ts). */
export interface CreateServerOptions {
  /** The interface to listen on. @default '127.0.0.1' (loopback only), as the CLI */
  host?: string;
  /** 0 picks a free port. @default 3000 */
  port?: number;
  /** @default the offline preview provider */
  provider?: ImageProvider;
  /** Makes `{ text, svg }` like svg-captcha's `create()`. @default svg-captcha, look-alike characters left out */
  captcha?: CaptchaMaker;
  /** Speaks a captcha answer as WAV. @default meSpeak on `speechPool`, see renderCaptchaAudio */
  captchaAudio?: (answer: string, context: SpeakContext) => Promise<Buffer>;
  /** Threads, queue and per-client share for the default `captchaAudio`. @default see SpeechPoolOptions */
  speechPool?: Partial<SpeechPoolOptions>;
  /** Times one captcha may be played. @default AUDIO_PLAYS_PER_CAPTCHA (5) */
  audioPerCaptcha?: number;
  /** Counts plays per captcha. @default in-memory counter over `captchaTtlMs` */
  audioPlayCounter?: WindowCounter;
  /** Clock in epoch ms for captcha expiry and rate-limit windows. @default Date.now */
  now?: () => number;
  /** hapi cache engine for sessions and hapi-rate-limit records. @default in memory, oldest records evicted when full */
  cache?: ServerOptionsCache;
  /** Byte budget of the default in-memory cache. @default 100 MiB */
  memoryCacheBytes?: number;
  /** @default in-memory store (one process) */
  captchaStore?: CaptchaStore;
  /** @default in-memory counter over `generateWindowMs` */
  generationCounter?: WindowCounter;
  /** Most generations the deployment starts per UTC clock hour. @default no cap */
  generationBudgetPerHour?: number;
  /** Most generations the deployment starts per UTC day. @default no cap */
  generationBudgetPerDay?: number;
  /** Counts the budget; share one between instances for a deployment-wide cap. @default in-memory counter */
  budgetCounter?: BudgetCounter;
  /** Generations one client (rate-limit address key) may have running or waiting at once. @default 1 */
  maxInFlightPerClient?: number;
  /** Holds those per-client slots; share one between instances. @default in-memory slots */
  clientSlots?: ClientSlots;
  /** Proof-of-work challenges already used. @default in-memory (one process) */
  spentProofs?: SpentProofs;
  /** Generations started recently, for the proof of work's difficulty. @default in-memory (this process's) */
  recentGenerations?: RecentGenerations;
  /** Expected PBKDF2-SHA-256 iterations a captcha's proof of work costs at rest. @default 500 000 */
  powMinCost?: number;
  /** The same at full load (queue full, or recent generations at `powFullRatePerHour`). @default 10 000 000 */
  powMaxCost?: number;
  /** Generations per hour, whole deployment, that make the proof of work hardest. @default the hourly budget, else the daily one / 24; with neither, only the queue raises it */
  powFullRatePerHour?: number;
  /** Shown by /api/v1/health. @default 'memory' */
  store?: 'memory' | 'redis';
  /** Readiness of shared dependencies. @default always ready */
  isReady?: () => Promise<boolean> | boolean;
  /** Seals the session cookie; share it between instances. ≥ 32 characters. @default random per process */
  sessionSecret?: string;
  /** Cookie for pages on other sites: `Secure; SameSite=None; Partitioned`. @default false */
  crossSite?: boolean;
  /** Mark the cookie Secure in same-site mode too. @default true */
  secureCookie?: boolean;
  /** @default 10 minutes */
  captchaTtlMs?: number;
  /** How long an idle session record is kept server-side. @default 30 minutes */
  sessionTtlMs?: number;
  /** @default 30 */
  captchaPerMinute?: number;
  /** Generations per client per window. @default 30 */
  generateLimit?: number;
  /** @default 1 hour (at most 48 hours) */
  generateWindowMs?: number;
  /** Proxies whose X-Forwarded-For entry is trusted. @default 0 */
  trustedProxies?: number;
  /** Origins allowed to call the API from a browser; '*' lets any site embed. @default '*' */
  corsOrigins?: '*' | string[];
  /** @default 4 */
  maxInFlight?: number;
  /** @default 16 */
  maxQueued?: number;
  /** @default 330 000 (above the slowest adapter's own timeout) */
  generationTimeoutMs?: number;
  /** @default 'webp' */
  outputFormat?: OutputFormat;
  /** @default 16 KiB */
  maxBodyBytes?: number;
  /** A client that has not sent all its headers by then gets 408 and is disconnected. @default 5 s */
  headersTimeoutMs?: number;
  /** The same for the whole request, body included (16 KiB at most). @default 10 s */
  requestTimeoutMs?: number;
  /** @default 'auto' (when the request came over HTTPS) */
  hsts?: boolean | 'auto';
  /** hapi answers 503 while the event loop lags more than this; 0 disables. @default 1000 */
  maxEventLoopDelayMs?: number;
  /**
   * JSON-lines access and event logs: one file per day in `dir`, deleted after `retentionDays`
   * (≤ 30), or `output: 'stdout'` for a container's log collector. @default false
   */
  logger?: { output?: 'files' | 'stdout'; dir?: string; retentionDays?: number; now?: () => number } | false;
  /** The site build to serve (pages, assets, /widget.js); false serves the API alone. @default dist/site when built */
  site?: StaticSiteOptions | false;
  /** Prometheus `GET /metrics` on its own port (0 picks one) and interface. @default false */
  metrics?: { port: number; host?: string } | false;
}

/** An injected object: any object with these methods (a class instance is kept as it is, never copied). */
const withMethods = (...methods: string[]) =>
  Joi.object()
    .custom((value: Record<string, unknown>, helpers) =>
      methods.every((method) => typeof value[method] === 'function') ? value : helpers.error('object.methods', { methods: methods.join(', ') }),
    )
    .messages({ 'object.methods': '{{#label}} must have the methods {{#methods}}' });

const count = (min = 0) => Joi.number().integer().min(min);
const ms = () => Joi.number().min(0);

/** Strict: an unknown option or a wrong type fails createServer with the option's name. */
const schema = Joi.object<ResolvedServerOptions>({
  host: Joi.string().min(1).default(DEFAULTS.host),
  port: Joi.number().port().default(DEFAULTS.port),
  provider: withMethods('generate')
    .custom((value: { name?: unknown; preview?: unknown }, helpers) =>
      typeof value.name === 'string' && typeof value.preview === 'boolean' ? value : helpers.error('provider.shape'),
    )
    .messages({ 'provider.shape': '{{#label}} must have a string name and a boolean preview' }),
  captcha: Joi.function(),
  captchaAudio: Joi.function(),
  speechPool: Joi.object({ threads: count(1), queueLimit: count(), perClient: count(1), jobTimeoutMs: ms() }),
  audioPerCaptcha: count().default(DEFAULTS.audioPerCaptcha),
  audioPlayCounter: withMethods('hit', 'peek'),
  now: Joi.function().default(() => Date.now),
  cache: Joi.alternatives(Joi.object(), Joi.array().items(Joi.object())),
  memoryCacheBytes: count(1).default(DEFAULTS.memoryCacheBytes),
  captchaStore: withMethods('put', 'take', 'peek'),
  generationCounter: withMethods('hit', 'peek'),
  generationBudgetPerHour: count(1),
  generationBudgetPerDay: count(1),
  budgetCounter: withMethods('take', 'giveBack', 'used'),
  maxInFlightPerClient: count(1).default(DEFAULTS.maxInFlightPerClient),
  clientSlots: withMethods('acquire'),
  spentProofs: withMethods('spend'),
  recentGenerations: withMethods('add', 'perHour'),
  powMinCost: count(1).default(DEFAULTS.powMinCost),
  // Never below the minimum that was asked for.
  powMaxCost: count(1).default((parent: { powMinCost: number }) => Math.max(DEFAULTS.powMaxCost, parent.powMinCost)),
  powFullRatePerHour: Joi.number().positive(),
  store: Joi.string().valid('memory', 'redis').default(DEFAULTS.store),
  isReady: Joi.function().default(() => () => true),
  sessionSecret: Joi.string(),
  crossSite: Joi.boolean().default(DEFAULTS.crossSite),
  secureCookie: Joi.boolean().default(DEFAULTS.secureCookie),
  captchaTtlMs: ms().default(DEFAULTS.captchaTtlMs),
  sessionTtlMs: ms().default(DEFAULTS.sessionTtlMs),
  captchaPerMinute: count(1).default(DEFAULTS.captchaPerMinute),
  generateLimit: count(1).default(DEFAULTS.generateLimit),
  generateWindowMs: ms().default(DEFAULTS.generateWindowMs),
  trustedProxies: count().default(DEFAULTS.trustedProxies),
  corsOrigins: Joi.alternatives(Joi.string().valid('*'), Joi.array().items(Joi.string())).default(DEFAULTS.corsOrigins),
  maxInFlight: count(1).default(DEFAULTS.maxInFlight),
  maxQueued: count().default(DEFAULTS.maxQueued),
  generationTimeoutMs: ms().default(DEFAULTS.generationTimeoutMs),
  outputFormat: Joi.string().valid('webp', 'png').default(DEFAULTS.outputFormat),
  maxBodyBytes: count(1).default(DEFAULTS.maxBodyBytes),
  headersTimeoutMs: ms().default(DEFAULTS.headersTimeoutMs),
  requestTimeoutMs: ms().default(DEFAULTS.requestTimeoutMs),
  hsts: Joi.alternatives(Joi.boolean(), Joi.string().valid('auto')).default(DEFAULTS.hsts),
  maxEventLoopDelayMs: ms().default(DEFAULTS.maxEventLoopDelayMs),
  // The access-log plugin checks the parts itself, with its own message.
  logger: Joi.alternatives(Joi.object(), Joi.boolean().valid(false)).default(false),
  site: Joi.alternatives(Joi.object({ dir: Joi.string().required() }), Joi.boolean().valid(false)),
  metrics: Joi.alternatives(Joi.object({ port: Joi.number().port().required(), host: Joi.string().default(DEFAULTS.metricsHost) }), Joi.boolean().valid(false)).default(false),
}).prefs({ abortEarly: true });

/** The options with every default filled in (the injected dependencies stay optional: createServer makes them). */
export type ResolvedServerOptions = CreateServerOptions &
  Required<
    Pick<
      CreateServerOptions,
      | 'host' | 'port' | 'audioPerCaptcha' | 'now' | 'memoryCacheBytes' | 'maxInFlightPerClient' | 'powMinCost' | 'powMaxCost' | 'store'
      | 'isReady' | 'crossSite' | 'secureCookie' | 'captchaTtlMs' | 'sessionTtlMs' | 'captchaPerMinute' | 'generateLimit' | 'generateWindowMs'
      | 'trustedProxies' | 'corsOrigins' | 'maxInFlight' | 'maxQueued' | 'generationTimeoutMs' | 'outputFormat' | 'maxBodyBytes'
      | 'headersTimeoutMs' | 'requestTimeoutMs' | 'hsts' | 'maxEventLoopDelayMs' | 'logger' | 'metrics'
    >
  >;

/** Validates createServer's options once and fills in the defaults; the message names the option. */
export function resolveServerOptions(options: CreateServerOptions): ResolvedServerOptions {
  return Joi.attempt(options, schema, 'Invalid createServer options:');
}
