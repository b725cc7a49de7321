import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import Hapi, { type ServerOptionsCache } from '@hapi/hapi';
import { EvictingMemoryCache } from './cache/memory-engine.js';
import { renderCaptchaAudio } from './captcha/audio.js';
import { SpeechPool, type SpeechPoolOptions } from './captcha/speech-thread.js';
import { defaultCaptchaMaker, type CaptchaMaker } from './captcha/maker.js';
import { MemoryCaptchaStore, type CaptchaStore } from './captcha/store.js';
import { MemoryBudgetCounter, type BudgetCounter } from './limits/budget-counter.js';
import { MemoryClientSlots, type ClientSlots } from './limits/client-slots.js';
import { MemoryWindowCounter, type WindowCounter } from './limits/window-counter.js';
import { accessLogPlugin } from './plugins/access-log.js';
import { capacityPlugin } from './plugins/capacity.js';
import { generatePlugin } from './plugins/generate.js';
import { healthPlugin } from './plugins/health.js';
import { metricsPlugin } from './plugins/metrics.js';
import { openApiPlugin } from './plugins/openapi.js';
import { powPlugin } from './plugins/pow.js';
import { MemoryRecentGenerations, MemorySpentProofs, type RecentGenerations, type SpentProofs } from './pow/ledger.js';
import { httpPolicyPlugin } from './plugins/http-policy.js';
import { rateLimitPlugin } from './plugins/rate-limit.js';
import { sessionPlugin, type SpeakContext } from './plugins/session.js';
import { defaultSite, staticSitePlugin, type StaticSiteOptions } from './plugins/static-site.js';
import type { OutputFormat } from './providers/normalize.js';
import { createOfflineProvider } from './providers/offline.js';
import type { ImageProvider } from './providers/types.js';
import { AUDIO_PLAYS_PER_CAPTCHA, SESSION_HEADER } from '../sdk/types.js';

export interface CreateServerOptions {
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

export const DEFAULT_POW_MIN_COST = 500_000;
export const DEFAULT_POW_MAX_COST = 10_000_000;

const EXPOSED_HEADERS = [
  'Retry-After',
  'X-Request-Id',
  SESSION_HEADER,
  'X-RateLimit-UserPathLimit',
  'X-RateLimit-UserPathRemaining',
  'X-RateLimit-UserPathReset',
];

/** Spoken captchas on the server's own pool of speech threads, each job counted against its client's share. */
function defaultSpeaker(pool: SpeechPool) {
  return (answer: string, { language, client }: SpeakContext) =>
    renderCaptchaAudio(answer, { language, speak: (utterances) => pool.speak(utterances, client) });
}

/** What a client that took too long to send its request gets, on the socket itself. */
const REQUEST_TIMEOUT_RESPONSE = 'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n';

/**
 * A client trickling its headers or body holds a connection (and a parser) as long as it likes:
 * hapi's payload timeout answers without closing, and Node's own bounds are 60 s and 300 s,
 * checked every 30 s. Past either bound Node reports a client error, which hapi would answer 400;
 * it gets 408 and the connection closes.
 */
function limitSlowClients(listener: Server, headersTimeoutMs: number, requestTimeoutMs: number): void {
  listener.headersTimeout = Math.min(headersTimeoutMs, requestTimeoutMs);
  listener.requestTimeout = requestTimeoutMs;
  // Read when the server starts listening; the typings only know it as a constructor option.
  (listener as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = Math.min(1000, headersTimeoutMs);
  const hapiHandlers = listener.listeners('clientError') as Array<(error: Error, socket: Duplex) => void>;
  listener.removeAllListeners('clientError');
  listener.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (error.code !== 'ERR_HTTP_REQUEST_TIMEOUT') {
      for (const handler of hapiHandlers) handler.call(listener, error, socket);
      return;
    }
    if (socket.writable) socket.end(REQUEST_TIMEOUT_RESPONSE);
    else socket.destroy();
  });
}

/** Builds the configured server without starting it; every dependency can be injected. */
export async function createServer(options: CreateServerOptions = {}): Promise<Hapi.Server> {
  const now = options.now ?? Date.now;
  const provider = options.provider ?? createOfflineProvider();
  const generateWindowMs = options.generateWindowMs ?? 60 * 60 * 1000;
  const trustedProxies = options.trustedProxies ?? 0;
  const maxEventLoopDelay = options.maxEventLoopDelayMs ?? 1000;
  const captchaTtlMs = options.captchaTtlMs ?? 10 * 60 * 1000;
  const sessionSecret = options.sessionSecret ?? randomBytes(32).toString('base64url');
  // The budget is the rate the operator can pay for: nearing it is what should make automation dear.
  const powFullRatePerHour =
    options.powFullRatePerHour ?? options.generationBudgetPerHour ?? (options.generationBudgetPerDay ? options.generationBudgetPerDay / 24 : undefined);

  const server = Hapi.server({
    host: options.host,
    port: options.port ?? 3000,
    cache: options.cache ?? [
      { name: 'imageka', provider: { constructor: EvictingMemoryCache, options: { maxByteSize: options.memoryCacheBytes ?? 100 * 1024 * 1024 } } },
    ],
    load: maxEventLoopDelay > 0 ? { sampleInterval: 250, maxEventLoopDelay } : {},
    router: { stripTrailingSlash: false },
    // hapi's default prints 500s with their message to stderr, where a prompt could ride along.
    debug: false,
    routes: {
      // The API's CORS. Site routes turn it off: pages carry no CORS headers.
      cors: {
        origin: options.corsOrigins === undefined || options.corsOrigins === '*' ? ['*'] : options.corsOrigins,
        credentials: true,
        additionalHeaders: [SESSION_HEADER],
        additionalExposedHeaders: EXPOSED_HEADERS,
        maxAge: 600,
      },
      payload: { maxBytes: options.maxBodyBytes ?? 16 * 1024 },
      // No byte ranges: nothing served needs them, and hapi answers a bad Range header with a 416
      // after onPreResponse, so it would leave without the error `code` every API error carries.
      response: { emptyStatusCode: 204, ranges: false },
      // Only routes that opt in load the session: pages and health never wait on (or fail with) its store.
      plugins: { yar: { skip: true } },
    },
  });
  limitSlowClients(server.listener, options.headersTimeoutMs ?? 5000, options.requestTimeoutMs ?? 10_000);
  // Sessions and rate-limit records go to the given cache by its name (an unnamed one is hapi's default).
  const cacheName = options.cache ? options.cache.name : 'imageka';

  await server.register({
    plugin: metricsPlugin,
    options: {
      listen: options.metrics ? { port: options.metrics.port, host: options.metrics.host ?? '127.0.0.1' } : false,
      ...(options.store === 'redis' && options.isReady ? { redisUp: options.isReady } : {}),
    },
  });
  if (options.logger) {
    await server.register({ plugin: accessLogPlugin, options: { ...options.logger, now: options.logger.now ?? now, trustedProxies } });
  }
  await server.register({ plugin: httpPolicyPlugin, options: { hsts: options.hsts ?? 'auto', trustedProxies } });
  await server.register({
    plugin: rateLimitPlugin,
    options: {
      trustedProxies,
      generatePerWindow: options.generateLimit ?? 30,
      generateWindowMs,
      generationCounter: options.generationCounter ?? new MemoryWindowCounter(generateWindowMs, now),
      now,
      ...(cacheName ? { cache: cacheName } : {}),
    },
  });
  await server.register({
    plugin: powPlugin,
    options: {
      sessionSecret,
      minCost: options.powMinCost ?? DEFAULT_POW_MIN_COST,
      maxCost: options.powMaxCost ?? Math.max(DEFAULT_POW_MAX_COST, options.powMinCost ?? 0),
      ...(powFullRatePerHour ? { fullRatePerHour: powFullRatePerHour } : {}),
      spent: options.spentProofs ?? new MemorySpentProofs(now),
      recent: options.recentGenerations ?? new MemoryRecentGenerations(now),
      now,
    },
  });
  await server.register({
    plugin: sessionPlugin,
    options: {
      password: sessionSecret,
      captcha: options.captcha ?? defaultCaptchaMaker,
      speak: options.captchaAudio ?? defaultSpeaker(new SpeechPool(options.speechPool)),
      audioPlays: options.audioPlayCounter ?? new MemoryWindowCounter(captchaTtlMs, now),
      audioPerCaptcha: options.audioPerCaptcha ?? AUDIO_PLAYS_PER_CAPTCHA,
      store: options.captchaStore ?? new MemoryCaptchaStore(now),
      now,
      crossSite: options.crossSite ?? false,
      secureCookie: options.secureCookie ?? true,
      captchaTtlMs,
      sessionTtlMs: options.sessionTtlMs ?? 30 * 60 * 1000,
      captchaPerMinute: options.captchaPerMinute ?? 30,
      ...(cacheName ? { cache: cacheName } : {}),
    },
  });
  await server.register({
    plugin: capacityPlugin,
    options: {
      ...(options.generationBudgetPerHour === undefined ? {} : { budgetPerHour: options.generationBudgetPerHour }),
      ...(options.generationBudgetPerDay === undefined ? {} : { budgetPerDay: options.generationBudgetPerDay }),
      budgetCounter: options.budgetCounter ?? new MemoryBudgetCounter(now),
      maxInFlightPerClient: options.maxInFlightPerClient ?? 1,
      clientSlots: options.clientSlots ?? new MemoryClientSlots(),
      now,
    },
  });
  await server.register({
    plugin: generatePlugin,
    options: {
      provider,
      outputFormat: options.outputFormat ?? 'webp',
      maxInFlight: options.maxInFlight ?? 4,
      maxQueued: options.maxQueued ?? 16,
      timeoutMs: options.generationTimeoutMs ?? 330_000,
      maxBodyBytes: options.maxBodyBytes ?? 16 * 1024,
    },
  });
  await server.register({
    plugin: healthPlugin,
    options: {
      provider: { name: provider.name, preview: provider.preview },
      store: options.store ?? 'memory',
      isReady: options.isReady ?? (() => true),
    },
  });
  await server.register(openApiPlugin);
  const site = options.site ?? defaultSite();
  if (site) await server.register({ plugin: staticSitePlugin, options: site });
  return server;
}
