import { resolve } from 'node:path';
import Joi from 'joi';
import { MAX_RETENTION_DAYS } from './plugins/access-log.js';
import type { CreateServerOptions } from './server.js';

/**
 * Every environment variable the server reads (providers read their own, see providers/index.ts).
 * Each entry: its schema with default, and how it becomes a createServer option.
 */
const seconds = (name: string, fallback: number, max = 7 * 24 * 3600) =>
  Joi.number().integer().min(1).max(max).default(fallback).label(name);
const count = (name: string, fallback: number, min = 1) => Joi.number().integer().min(min).max(1_000_000).default(fallback).label(name);
const flag = (name: string, fallback: boolean) => Joi.boolean().truthy('1', 'yes', 'on').falsy('0', 'no', 'off').default(fallback).label(name);

export const environmentSchema = Joi.object({
  PORT: Joi.number().port().default(3000).label('PORT'),
  HOST: Joi.string().hostname().default('127.0.0.1').label('HOST'),
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
  COOKIE_SECURE: flag('COOKIE_SECURE', true),
  CAPTCHA_TTL_SECONDS: seconds('CAPTCHA_TTL_SECONDS', 600, 3600),
  SESSION_TTL_SECONDS: seconds('SESSION_TTL_SECONDS', 1800, 24 * 3600),
  RATE_LIMIT_CAPTCHA_PER_MINUTE: count('RATE_LIMIT_CAPTCHA_PER_MINUTE', 30),
  RATE_LIMIT_GENERATE_PER_HOUR: count('RATE_LIMIT_GENERATE_PER_HOUR', 30),
  TRUSTED_PROXIES: Joi.number().integer().min(0).max(10).default(0).label('TRUSTED_PROXIES'),
  CORS_ORIGINS: Joi.string()
    .pattern(/^(\*|https?:\/\/[^\s,]+(\s*,\s*https?:\/\/[^\s,]+)*)$/)
    .default('*')
    .label('CORS_ORIGINS')
    .messages({ 'string.pattern.base': 'CORS_ORIGINS must be * or a comma-separated list of origins like https://example.com' }),
  MAX_IN_FLIGHT: count('MAX_IN_FLIGHT', 4),
  MAX_QUEUED: count('MAX_QUEUED', 16, 0),
  GENERATION_TIMEOUT_SECONDS: seconds('GENERATION_TIMEOUT_SECONDS', 330, 3600),
  OUTPUT_FORMAT: Joi.string().valid('webp', 'png').default('webp').label('OUTPUT_FORMAT'),
  HSTS: Joi.string().valid('auto', 'on', 'off').default('auto').label('HSTS'),
  SHUTDOWN_TIMEOUT_SECONDS: seconds('SHUTDOWN_TIMEOUT_SECONDS', 30, 3600),
  METRICS_PORT: Joi.number().port().label('METRICS_PORT'),
  METRICS_HOST: Joi.string().hostname().default('127.0.0.1').label('METRICS_HOST'),
  MAX_EVENT_LOOP_DELAY_MS: Joi.number().integer().min(0).max(60_000).default(1000).label('MAX_EVENT_LOOP_DELAY_MS'),
  LOG_OUTPUT: Joi.string().valid('files', 'stdout').default('files').label('LOG_OUTPUT'),
  LOG_DIR: Joi.string().trim().min(1).default('./logs').label('LOG_DIR'),
  // The privacy policy promises deletion after 30 days at most.
  LOG_RETENTION_DAYS: Joi.number().integer().min(1).max(MAX_RETENTION_DAYS).default(MAX_RETENTION_DAYS).label('LOG_RETENTION_DAYS'),
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
    maxInFlight: value.MAX_IN_FLIGHT,
    maxQueued: value.MAX_QUEUED,
    generationTimeoutMs: value.GENERATION_TIMEOUT_SECONDS * 1000,
    outputFormat: value.OUTPUT_FORMAT,
    hsts: value.HSTS === 'auto' ? 'auto' : value.HSTS === 'on',
    maxEventLoopDelayMs: value.MAX_EVENT_LOOP_DELAY_MS,
    logger: value.LOG_OUTPUT === 'stdout' ? { output: 'stdout' } : { dir: resolve(value.LOG_DIR), retentionDays: value.LOG_RETENTION_DAYS },
    metrics: value.METRICS_PORT === undefined ? false : { port: value.METRICS_PORT, host: value.METRICS_HOST },
  };
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
