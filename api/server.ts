import { randomBytes } from 'node:crypto';
import CatboxMemory from '@hapi/catbox-memory';
import Hapi, { type ServerOptionsCache } from '@hapi/hapi';
import { renderCaptchaAudio } from './captcha/audio.js';
import { defaultCaptchaMaker, type CaptchaMaker } from './captcha/maker.js';
import { MemoryCaptchaStore, type CaptchaStore } from './captcha/store.js';
import { MemoryWindowCounter, type WindowCounter } from './limits/window-counter.js';
import { accessLogPlugin } from './plugins/access-log.js';
import { generatePlugin } from './plugins/generate.js';
import { healthPlugin } from './plugins/health.js';
import { metricsPlugin } from './plugins/metrics.js';
import { openApiPlugin } from './plugins/openapi.js';
import { httpPolicyPlugin } from './plugins/http-policy.js';
import { rateLimitPlugin } from './plugins/rate-limit.js';
import { sessionPlugin } from './plugins/session.js';
import { defaultSite, staticSitePlugin, type StaticSiteOptions } from './plugins/static-site.js';
import type { OutputFormat } from './providers/normalize.js';
import { createOfflineProvider } from './providers/offline.js';
import type { ImageProvider } from './providers/types.js';
import { SESSION_HEADER } from '../sdk/types.js';

export interface CreateServerOptions {
  host?: string;
  /** 0 picks a free port. @default 3000 */
  port?: number;
  /** @default the offline preview provider */
  provider?: ImageProvider;
  /** Makes `{ text, svg }` like svg-captcha's `create()`. @default svg-captcha, look-alike characters left out */
  captcha?: CaptchaMaker;
  /** Speaks a captcha answer as WAV. @default mespeak, each character named, with noise and jitter */
  captchaAudio?: (answer: string) => Promise<Buffer>;
  /** Clock in epoch ms for captcha expiry and rate-limit windows. @default Date.now */
  now?: () => number;
  /** hapi cache engine for sessions and hapi-rate-limit records. @default in-memory catbox */
  cache?: ServerOptionsCache;
  /** @default in-memory store (one process) */
  captchaStore?: CaptchaStore;
  /** @default in-memory counter over `generateWindowMs` */
  generationCounter?: WindowCounter;
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

const EXPOSED_HEADERS = [
  'Retry-After',
  'X-Request-Id',
  SESSION_HEADER,
  'X-RateLimit-UserPathLimit',
  'X-RateLimit-UserPathRemaining',
  'X-RateLimit-UserPathReset',
];

/** Builds the configured server without starting it; every dependency can be injected. */
export async function createServer(options: CreateServerOptions = {}): Promise<Hapi.Server> {
  const now = options.now ?? Date.now;
  const provider = options.provider ?? createOfflineProvider();
  const generateWindowMs = options.generateWindowMs ?? 60 * 60 * 1000;
  const trustedProxies = options.trustedProxies ?? 0;
  const maxEventLoopDelay = options.maxEventLoopDelayMs ?? 1000;

  const server = Hapi.server({
    host: options.host,
    port: options.port ?? 3000,
    cache: options.cache ?? [{ name: 'imageka', provider: { constructor: CatboxMemory.Engine } }],
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
    plugin: sessionPlugin,
    options: {
      password: options.sessionSecret ?? randomBytes(32).toString('base64url'),
      captcha: options.captcha ?? defaultCaptchaMaker,
      speak: options.captchaAudio ?? ((answer: string) => renderCaptchaAudio(answer)),
      store: options.captchaStore ?? new MemoryCaptchaStore(now),
      now,
      crossSite: options.crossSite ?? false,
      secureCookie: options.secureCookie ?? true,
      captchaTtlMs: options.captchaTtlMs ?? 10 * 60 * 1000,
      sessionTtlMs: options.sessionTtlMs ?? 30 * 60 * 1000,
      captchaPerMinute: options.captchaPerMinute ?? 30,
      ...(cacheName ? { cache: cacheName } : {}),
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
