import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import Hapi from '@hapi/hapi';
import { EvictingMemoryCache } from './cache/memory-engine.js';
import { renderCaptchaAudio } from './captcha/audio.js';
import { SpeechPool } from './captcha/speech-thread.js';
import { defaultCaptchaMaker } from './captcha/maker.js';
import { MemoryCaptchaStore } from './captcha/store.js';
import { MemoryBudgetCounter } from './limits/budget-counter.js';
import { MemoryClientSlots } from './limits/client-slots.js';
import { MemoryWindowCounter } from './limits/window-counter.js';
import { accessLogPlugin } from './plugins/access-log.js';
import { capacityPlugin } from './plugins/capacity.js';
import { generatePlugin } from './plugins/generate.js';
import { healthPlugin } from './plugins/health.js';
import { metricsPlugin } from './plugins/metrics.js';
import { openApiPlugin } from './plugins/openapi.js';
import { powPlugin } from './plugins/pow.js';
import { MemoryRecentGenerations, MemorySpentProofs } from './pow/ledger.js';
import { httpPolicyPlugin } from './plugins/http-policy.js';
import { rateLimitPlugin } from './plugins/rate-limit.js';
import { sessionPlugin, type SpeakContext } from './plugins/session.js';
import { defaultSite, staticSitePlugin } from './plugins/static-site.js';
import { createOfflineProvider } from './providers/offline.js';
import { SESSION_HEADER } from '../sdk/types.js';
import { DEFAULTS } from './defaults.js';
import { resolveServerOptions, type CreateServerOptions } from './server-options.js';

export type { CreateServerOptions } from './server-options.js';

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

/**
 * Builds the configured server without starting it; every dependency can be injected. The options
 * are validated first (an unknown or mistyped one throws, naming it); omitted ones take DEFAULTS.
 */
export async function createServer(given: CreateServerOptions = {}): Promise<Hapi.Server> {
  const options = resolveServerOptions(given);
  const { now, generateWindowMs, trustedProxies, captchaTtlMs } = options;
  const provider = options.provider ?? createOfflineProvider();
  const sessionSecret = options.sessionSecret ?? randomBytes(32).toString('base64url');
  // The budget is the rate the operator can pay for: nearing it is what should make automation dear.
  const powFullRatePerHour =
    options.powFullRatePerHour ?? options.generationBudgetPerHour ?? (options.generationBudgetPerDay ? options.generationBudgetPerDay / 24 : undefined);

  const server = Hapi.server({
    host: options.host,
    port: options.port,
    cache: options.cache ?? [
      { name: 'imageka', provider: { constructor: EvictingMemoryCache, options: { maxByteSize: options.memoryCacheBytes } } },
    ],
    load: options.maxEventLoopDelayMs > 0 ? { sampleInterval: 250, maxEventLoopDelay: options.maxEventLoopDelayMs } : {},
    router: { stripTrailingSlash: false },
    // hapi's default prints 500s with their message to stderr, where a prompt could ride along.
    debug: false,
    routes: {
      // The API's CORS. Site routes turn it off: pages carry no CORS headers.
      cors: {
        origin: options.corsOrigins === '*' ? ['*'] : options.corsOrigins,
        credentials: true,
        additionalHeaders: [SESSION_HEADER],
        additionalExposedHeaders: EXPOSED_HEADERS,
        maxAge: 600,
      },
      payload: { maxBytes: options.maxBodyBytes },
      // No byte ranges: nothing served needs them, and hapi answers a bad Range header with a 416
      // after onPreResponse, so it would leave without the error `code` every API error carries.
      response: { emptyStatusCode: 204, ranges: false },
      // Only routes that opt in load the session: pages and health never wait on (or fail with) its store.
      plugins: { yar: { skip: true } },
    },
  });
  limitSlowClients(server.listener, options.headersTimeoutMs, options.requestTimeoutMs);
  // Sessions and rate-limit records go to the given cache by its name (an unnamed one is hapi's default).
  const cacheName = options.cache ? (options.cache as { name?: string }).name : 'imageka';

  await server.register({
    plugin: metricsPlugin,
    options: {
      listen: options.metrics ? { port: options.metrics.port, host: options.metrics.host ?? DEFAULTS.metricsHost } : false,
      ...(options.store === 'redis' && given.isReady ? { redisUp: options.isReady } : {}),
    },
  });
  if (options.logger) {
    await server.register({ plugin: accessLogPlugin, options: { ...options.logger, now: options.logger.now ?? now, trustedProxies } });
  }
  await server.register({ plugin: httpPolicyPlugin, options: { hsts: options.hsts, trustedProxies } });
  await server.register({
    plugin: rateLimitPlugin,
    options: {
      trustedProxies,
      generatePerWindow: options.generateLimit,
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
      minCost: options.powMinCost,
      maxCost: options.powMaxCost,
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
      audioPerCaptcha: options.audioPerCaptcha,
      store: options.captchaStore ?? new MemoryCaptchaStore(now),
      now,
      crossSite: options.crossSite,
      secureCookie: options.secureCookie,
      captchaTtlMs,
      sessionTtlMs: options.sessionTtlMs,
      captchaPerMinute: options.captchaPerMinute,
      ...(cacheName ? { cache: cacheName } : {}),
    },
  });
  await server.register({
    plugin: capacityPlugin,
    options: {
      ...(options.generationBudgetPerHour === undefined ? {} : { budgetPerHour: options.generationBudgetPerHour }),
      ...(options.generationBudgetPerDay === undefined ? {} : { budgetPerDay: options.generationBudgetPerDay }),
      budgetCounter: options.budgetCounter ?? new MemoryBudgetCounter(now),
      maxInFlightPerClient: options.maxInFlightPerClient,
      clientSlots: options.clientSlots ?? new MemoryClientSlots(),
      now,
    },
  });
  await server.register({
    plugin: generatePlugin,
    options: {
      provider,
      outputFormat: options.outputFormat,
      maxInFlight: options.maxInFlight,
      maxQueued: options.maxQueued,
      timeoutMs: options.generationTimeoutMs,
      maxBodyBytes: options.maxBodyBytes,
    },
  });
  await server.register({
    plugin: healthPlugin,
    options: {
      provider: { name: provider.name, preview: provider.preview },
      store: options.store,
      isReady: options.isReady,
    },
  });
  await server.register(openApiPlugin);
  observeEconomics(server, options.generationBudgetPerHour !== undefined || options.generationBudgetPerDay !== undefined);
  const site = options.site ?? defaultSite();
  if (site) await server.register({ plugin: staticSitePlugin, options: site });
  return server;
}

/** The budget and the proof of work, as gauges read at scrape time (both live in their own plugins). */
function observeEconomics(server: Hapi.Server, budgeted: boolean): void {
  const { metrics } = server.plugins['imageka-metrics'];
  metrics.observe('powDifficulty', async () => (await server.plugins['imageka-pow'].difficulty()).cost);
  if (!budgeted) return;
  // The tighter window is what is left to spend.
  metrics.observe('budgetLeft', async () => {
    const { hour, day } = await server.plugins['imageka-capacity'].budgetLeft();
    return Math.min(hour?.left ?? Infinity, day?.left ?? Infinity);
  });
}
