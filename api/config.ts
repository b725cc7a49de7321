import { resolve } from 'node:path';
import Joi from 'joi';
import { DEFAULTS } from './defaults.js';
import { MAX_CAPTCHA_TTL_MS, MAX_RETENTION_DAYS, MAX_SESSION_TTL_MS } from './policy.js';
import { DOWNLOAD_HOST_PATTERN } from './providers/download.js';
import type { CreateServerOptions } from './server-options.js';

/**
 * Every environment variable the server reads (providers read their own, see providers/index.ts).
 * Each entry: its schema, its default taken from DEFAULTS (defaults.ts) in the variable's unit, and
 * how it becomes a createServer option.
 */
const inSeconds = (ms: number) => ms / 1000;
const seconds = (name: string, fallback: number, max = 7 * 24 * 3600) =>
  Joi.number().integer().min(1).max(max).default(fallback).label(name);
const count = (name: string, fallback: number, min = 1) => Joi.number().integer().min(min).max(1_000_000).default(fallback).label(name);
const flag = (name: string, fallback: boolean) => Joi.boolean().truthy('1', 'yes', 'on').falsy('0', 'no', 'off').default(fallback).label(name);

export const environmentSchema = Joi.object({
  PORT: Joi.number().port().default(DEFAULTS.port).label('PORT'),
  HOST: Joi.string().hostname().default(DEFAULTS.host).label('HOST'),
  SESSION_SECRET: Joi.string()
    .min(32)
    .label('SESSION_SECRET')
    // Instances behind one Redis must all unseal each other's session cookies.
    .when('REDIS_URL', { is: Joi.string().min(1).required(), then: Joi.required() })
    .messages({ 'any.required': 'SESSION_SECRET is required with REDIS_URL: give every instance the same secret' }),
  REDIS_URL: Joi.string()
    .uri({ scheme: ['redis', 'rediss'] })
    .allow('')
    .label('REDIS_URL')
    // The URL may hold a password: the message never repeats it.
    .messages({ 'string.uri': 'REDIS_URL must be a redis:// or rediss:// URL', 'string.uriCustomScheme': 'REDIS_URL must be a redis:// or rediss:// URL' }),
  COOKIE_MODE: Joi.string().valid('same-site', 'cross-site').default('same-site').label('COOKIE_MODE'),
  COOKIE_SECURE: flag('COOKIE_SECURE', DEFAULTS.secureCookie),
  CAPTCHA_TTL_SECONDS: seconds('CAPTCHA_TTL_SECONDS', inSeconds(DEFAULTS.captchaTtlMs), inSeconds(MAX_CAPTCHA_TTL_MS)),
  SESSION_TTL_SECONDS: seconds('SESSION_TTL_SECONDS', inSeconds(DEFAULTS.sessionTtlMs), inSeconds(MAX_SESSION_TTL_MS)),
  RATE_LIMIT_CAPTCHA_PER_MINUTE: count('RATE_LIMIT_CAPTCHA_PER_MINUTE', DEFAULTS.captchaPerMinute),
  RATE_LIMIT_GENERATE_PER_HOUR: count('RATE_LIMIT_GENERATE_PER_HOUR', DEFAULTS.generateLimit),
  TRUSTED_PROXIES: Joi.number().integer().min(0).max(10).default(DEFAULTS.trustedProxies).label('TRUSTED_PROXIES'),
  CORS_ORIGINS: Joi.string()
    .pattern(/^(\*|https?:\/\/[^\s,]+(\s*,\s*https?:\/\/[^\s,]+)*)$/)
    .default(DEFAULTS.corsOrigins)
    .label('CORS_ORIGINS')
    .messages({ 'string.pattern.base': 'CORS_ORIGINS must be * or a comma-separated list of origins like https://example.com' }),
  // Expected PBKDF2 iterations per captcha; the difficulty moves between the two with the load.
  POW_MIN_COST: Joi.number().integer().min(1000).max(1_000_000_000).default(DEFAULTS.powMinCost).label('POW_MIN_COST'),
  POW_MAX_COST: Joi.number()
    .integer()
    .max(1_000_000_000)
    .min(Joi.ref('POW_MIN_COST'))
    .default(DEFAULTS.powMaxCost)
    .label('POW_MAX_COST')
    .messages({ 'number.min': 'POW_MAX_COST must be at least POW_MIN_COST (set both when raising the minimum past 10000000)' }),
  MAX_IN_FLIGHT: count('MAX_IN_FLIGHT', DEFAULTS.maxInFlight),
  MAX_IN_FLIGHT_PER_CLIENT: count('MAX_IN_FLIGHT_PER_CLIENT', DEFAULTS.maxInFlightPerClient),
  // Unset means no cap: main.ts warns when a real image service runs without one.
  GENERATION_BUDGET_PER_HOUR: Joi.number().integer().min(1).max(100_000_000).label('GENERATION_BUDGET_PER_HOUR'),
  GENERATION_BUDGET_PER_DAY: Joi.number().integer().min(1).max(100_000_000).label('GENERATION_BUDGET_PER_DAY'),
  MAX_QUEUED: count('MAX_QUEUED', DEFAULTS.maxQueued, 0),
  GENERATION_TIMEOUT_SECONDS: seconds('GENERATION_TIMEOUT_SECONDS', inSeconds(DEFAULTS.generationTimeoutMs), 3600),
  OUTPUT_FORMAT: Joi.string().valid('webp', 'png').default(DEFAULTS.outputFormat).label('OUTPUT_FORMAT'),
  HSTS: Joi.string().valid('auto', 'on', 'off').default('auto').label('HSTS'),
  SHUTDOWN_TIMEOUT_SECONDS: seconds('SHUTDOWN_TIMEOUT_SECONDS', inSeconds(DEFAULTS.shutdownTimeoutMs), 3600),
  METRICS_PORT: Joi.number().port().label('METRICS_PORT'),
  METRICS_HOST: Joi.string().hostname().default(DEFAULTS.metricsHost).label('METRICS_HOST'),
  MAX_EVENT_LOOP_DELAY_MS: Joi.number().integer().min(0).max(60_000).default(DEFAULTS.maxEventLoopDelayMs).label('MAX_EVENT_LOOP_DELAY_MS'),
  MEMORY_CACHE_MB: Joi.number().integer().min(1).max(65_536).default(DEFAULTS.memoryCacheBytes / 1024 / 1024).label('MEMORY_CACHE_MB'),
  LOG_OUTPUT: Joi.string().valid('files', 'stdout').default(DEFAULTS.logOutput).label('LOG_OUTPUT'),
  LOG_DIR: Joi.string().trim().min(1).default(DEFAULTS.logDir).label('LOG_DIR'),
  // Output URLs outside these (and the adapter's own hosts) are refused: see providers/download.ts.
  PROVIDER_DOWNLOAD_HOSTS: Joi.string()
    .lowercase()
    .custom((text: string, helpers) => (hostList(text).every((host) => DOWNLOAD_HOST_PATTERN.test(host)) ? text : helpers.error('string.pattern.base')))
    .label('PROVIDER_DOWNLOAD_HOSTS')
    .messages({ 'string.pattern.base': 'PROVIDER_DOWNLOAD_HOSTS must be a comma-separated list of host names like cdn.example.com or *.example.com' }),
  // The privacy policy promises deletion after 30 days at most.
  LOG_RETENTION_DAYS: Joi.number().integer().min(1).max(MAX_RETENTION_DAYS).default(DEFAULTS.logRetentionDays).label('LOG_RETENTION_DAYS'),
})
  // Provider and other subsystems' variables are validated where they are read.
  .unknown(true)
  .prefs({ errors: { wrap: { label: false } }, abortEarly: true });

export type Environment = Record<string, string | undefined>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Validates the environment; the message names the variable and what it accepts. */
export function serverOptionsFromEnv(env: Environment): CreateServerOptions {
  const value = validEnvironment(env);
  const origins = String(value.CORS_ORIGINS);
  return {
    port: value.PORT,
    host: value.HOST,
    ...(value.SESSION_SECRET ? { sessionSecret: value.SESSION_SECRET } : {}),
    crossSite: value.COOKIE_MODE === 'cross-site',
    secureCookie: value.COOKIE_SECURE,
    captchaTtlMs: value.CAPTCHA_TTL_SECONDS * 1000,
    sessionTtlMs: value.SESSION_TTL_SECONDS * 1000,
    captchaPerMinute: value.RATE_LIMIT_CAPTCHA_PER_MINUTE,
    generateLimit: value.RATE_LIMIT_GENERATE_PER_HOUR,
    generateWindowMs: 60 * 60 * 1000,
    trustedProxies: value.TRUSTED_PROXIES,
    // Browsers send Origin without a trailing slash, and hapi compares the strings exactly.
    corsOrigins: origins === '*' ? '*' : origins.split(',').map((origin) => origin.trim().replace(/\/+$/, '')),
    powMinCost: value.POW_MIN_COST,
    powMaxCost: value.POW_MAX_COST,
    maxInFlight: value.MAX_IN_FLIGHT,
    maxQueued: value.MAX_QUEUED,
    maxInFlightPerClient: value.MAX_IN_FLIGHT_PER_CLIENT,
    ...(value.GENERATION_BUDGET_PER_HOUR === undefined ? {} : { generationBudgetPerHour: value.GENERATION_BUDGET_PER_HOUR }),
    ...(value.GENERATION_BUDGET_PER_DAY === undefined ? {} : { generationBudgetPerDay: value.GENERATION_BUDGET_PER_DAY }),
    generationTimeoutMs: value.GENERATION_TIMEOUT_SECONDS * 1000,
    outputFormat: value.OUTPUT_FORMAT,
    hsts: value.HSTS === 'auto' ? 'auto' : value.HSTS === 'on',
    maxEventLoopDelayMs: value.MAX_EVENT_LOOP_DELAY_MS,
    memoryCacheBytes: value.MEMORY_CACHE_MB * 1024 * 1024,
    logger: value.LOG_OUTPUT === 'stdout' ? { output: 'stdout' } : { dir: resolve(value.LOG_DIR), retentionDays: value.LOG_RETENTION_DAYS },
    metrics: value.METRICS_PORT === undefined ? false : { port: value.METRICS_PORT, host: value.METRICS_HOST },
  };
}

/**
 * The start-up warning for a deployment whose bill nothing bounds: a real image service and
 * neither budget set. Undefined when there is nothing to warn about.
 */
export function budgetWarning(options: CreateServerOptions): string | undefined {
  const { provider } = options;
  if (!provider || provider.preview || options.generationBudgetPerHour !== undefined || options.generationBudgetPerDay !== undefined) return undefined;
  return `[imageka] warning: provider "${provider.name}" runs with no generation budget; set GENERATION_BUDGET_PER_HOUR or GENERATION_BUDGET_PER_DAY to cap what it can cost`;
}

/** Hosts the operator added to the adapters' own download hosts (PROVIDER_DOWNLOAD_HOSTS). */
export function downloadHostsFromEnv(env: Environment): string[] {
  const text = validEnvironment(env).PROVIDER_DOWNLOAD_HOSTS as string | undefined;
  return text ? hostList(text) : [];
}

function hostList(text: string): string[] {
  return text.split(',').map((host) => host.trim()).filter(Boolean);
}

/** How long SIGTERM waits for requests in flight (generations included) before closing. */
export function shutdownTimeoutMsFromEnv(env: Environment): number {
  return validEnvironment(env).SHUTDOWN_TIMEOUT_SECONDS * 1000;
}

/** The shared store's URL (validated), or undefined: each instance then keeps its state in memory. */
export function redisUrlFromEnv(env: Environment): string | undefined {
  return validEnvironment(env).REDIS_URL || undefined;
}

function validEnvironment(env: Environment) {
  // A blank variable (`PORT=` in a compose file) means unset, as it does for the providers' variables.
  const given = Object.fromEntries(Object.entries(env).filter(([, text]) => text !== undefined && text.trim() !== ''));
  const { error, value } = environmentSchema.validate(given);
  if (error) throw new ConfigError(`Invalid environment: ${error.message}`);
  return value;
}
