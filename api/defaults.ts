import { AUDIO_PLAYS_PER_CAPTCHA } from '../sdk/types.js';
import { MAX_RETENTION_DAYS } from './policy.js';

const SECOND_MS = 1000;
const MINUTE_MS = 60 * SECOND_MS;

/**
 * The server's defaults, in one place: createServer's option schema (server-options.ts) fills
 * every omitted option from here, and the environment schema (config.ts) takes its variables'
 * defaults from here, converted to the variable's unit. A test checks that both agree.
 */
export const DEFAULTS = Object.freeze({
  /** Loopback only: serving other machines is a choice (HOST=0.0.0.0 behind a proxy). */
  host: '127.0.0.1',
  port: 3000,
  memoryCacheBytes: 100 * 1024 * 1024,
  captchaTtlMs: 10 * MINUTE_MS,
  sessionTtlMs: 30 * MINUTE_MS,
  captchaPerMinute: 30,
  audioPerCaptcha: AUDIO_PLAYS_PER_CAPTCHA,
  generateLimit: 30,
  generateWindowMs: 60 * MINUTE_MS,
  trustedProxies: 0,
  corsOrigins: '*',
  crossSite: false,
  secureCookie: true,
  powMinCost: 500_000,
  powMaxCost: 10_000_000,
  maxInFlight: 4,
  maxQueued: 16,
  maxInFlightPerClient: 1,
  /** Above the slowest adapter's own timeout. */
  generationTimeoutMs: 330 * SECOND_MS,
  outputFormat: 'webp',
  maxBodyBytes: 16 * 1024,
  headersTimeoutMs: 5 * SECOND_MS,
  requestTimeoutMs: 10 * SECOND_MS,
  hsts: 'auto',
  maxEventLoopDelayMs: 1000,
  store: 'memory',
  /** Where `metrics` listens when only its port is given. */
  metricsHost: '127.0.0.1',
  logOutput: 'files',
  logDir: './logs',
  logRetentionDays: MAX_RETENTION_DAYS,
  /** How long SIGTERM waits for requests in flight (CLI only). */
  shutdownTimeoutMs: 30 * SECOND_MS,
} as const);
