/**
 * What the privacy policy and the security notes promise, as numbers. The plugins enforce them,
 * the environment schema (config.ts) and the Redis stores (redis/) bound their settings by them;
 * each side imports them from here, never from one another.
 */

const MINUTE_MS = 60 * 1000;
const HOUR_MS = 60 * MINUTE_MS;

/** Access logs are deleted after 30 days at most. */
export const MAX_RETENTION_DAYS = 30;

/** Rate-limit records are gone within 48 hours: no limit window may be longer. */
export const MAX_LIMIT_WINDOW_MS = 48 * HOUR_MS;

/** The captcha rate limit (`captchaPerMinute`) counts per client over one minute. */
export const CAPTCHA_WINDOW_MS = MINUTE_MS;

/** A captcha lives one hour at most (CAPTCHA_TTL_SECONDS); its play count must live as long. */
export const MAX_CAPTCHA_TTL_MS = HOUR_MS;

/** An idle session record is kept one day at most (SESSION_TTL_SECONDS). */
export const MAX_SESSION_TTL_MS = 24 * HOUR_MS;
