/**
 * The hosted API's wire types, defined once: the server (`api/`) and the SDK both import them.
 * Keep this file free of runtime dependencies; it is bundled into the widget.
 */

/** The sizes the API accepts, about one megapixel each, every side a multiple of 16. */
export const IMAGE_SIZES = {
  '1:1': { width: 1024, height: 1024 },
  '3:2': { width: 1248, height: 832 },
  '2:3': { width: 832, height: 1248 },
  '16:9': { width: 1280, height: 720 },
  '9:16': { width: 720, height: 1280 },
} as const;

export type AspectRatio = keyof typeof IMAGE_SIZES;
export const DEFAULT_ASPECT_RATIO: AspectRatio = '1:1';

export const PROMPT_MAX_LENGTH = 1000;
export const NEGATIVE_PROMPT_MAX_LENGTH = 1000;
/** Longest captcha answer the API reads; answers are far shorter, so this only bounds junk. */
export const CAPTCHA_ANSWER_MAX_LENGTH = 32;

/** Times one captcha can be played as audio (the server's default); one more is `captcha_audio_limit`. */
export const AUDIO_PLAYS_PER_CAPTCHA = 5;
/** Seeds are unsigned 32-bit integers below 2^32 - 1 (Stability's upper bound). */
export const SEED_MAX = 4294967294;

/** Name of the response and request header that carries the sealed session when cookies are blocked. */
export const SESSION_HEADER = 'X-Imageka-Session';

/** Name of the session cookie (HttpOnly, no Max-Age). */
export const SESSION_COOKIE = 'imageka_session';

/**
 * Upper case only: answers are compared case-insensitively, and lower-case forms add
 * look-alikes (t/f, g/q/9, n/h) without adding entropy. Left out because they were misread
 * in svg-captcha's font once rotated, skewed and crossed by noise: 0 O Q, 1 I L J, 2 Z, 5 S,
 * 8 B, G (6, C), V (U, Y), K (R, X, Y), F (E with a noise line at its foot), 4 (A), 7 (T).
 */
export const CAPTCHA_ALPHABET = 'ACDEHMNPRTUWXY369';

/** `GET /api/v1/captcha` */
export interface CaptchaResponse {
  /** A raster image (`data:image/webp;base64,…`). */
  image: string;
  width: number;
  height: number;
  /** ISO 8601 time after which the answer is refused with `captcha_expired`. */
  expiresAt: string;
  /** Path of the spoken version of the same captcha (`audio/wav`). */
  audio: string;
  /** Images this client may still make in the current rate-limit window (0: wait for `generationsResetAt`). */
  generationsLeft: number;
  /** ISO 8601 time when the window starts over and `generationsLeft` is full again. */
  generationsResetAt: string;
  /** The proof of work that goes with this captcha; the SDK solves it by itself (`solvePow`). */
  pow: PowChallenge;
}

/** The only proof-of-work algorithm: one PBKDF2-HMAC-SHA-256 derivation (Web Crypto) per attempt. */
export const POW_ALGORITHM = 'PBKDF2-SHA-256';

/**
 * A proof-of-work challenge, signed by the server and bound to the session and its captcha.
 * Solving: find the `number` from 0 to `maxNumber` for which PBKDF2-HMAC-SHA-256 with password
 * `salt` (UTF-8), salt `String(number)` (UTF-8) and `iterations` derives the 32 bytes `key`.
 * Tried in order, about half the numbers are needed: on average `iterations × (maxNumber + 2) / 2`.
 */
export interface PowChallenge {
  algorithm: typeof POW_ALGORITHM;
  /** Random per challenge (base64url). */
  salt: string;
  /** PBKDF2 iterations per attempt. */
  iterations: number;
  maxNumber: number;
  /** The derived key to find (base64url of 32 bytes). */
  key: string;
  /** ISO 8601; the same moment as the captcha's `expiresAt`. */
  expiresAt: string;
  /** The server's HMAC over all of the above, the session and the captcha (base64url). */
  signature: string;
}

/** The solved challenge, sent back as `pow` with `POST /api/v1/generate`. */
export interface PowSolution extends PowChallenge {
  number: number;
}

/**
 * One size the API accepts, `width` and `height` together: `{ width: 1024, height: 1024 }`,
 * `{ width: 1280, height: 720 }`, … (`IMAGE_SIZES[ratio]` is one).
 */
export type ImageSize = { [R in AspectRatio]: { width: (typeof IMAGE_SIZES)[R]['width']; height: (typeof IMAGE_SIZES)[R]['height'] } }[AspectRatio];

/**
 * `POST /api/v1/generate` body. A size is `width` and `height` of one `ImageSize` together, or
 * neither (1024×1024): `width: 999`, or `width` alone, does not compile.
 */
export type GenerateRequest = GenerateFields & (ImageSize | { width?: undefined; height?: undefined });

/** The fields of `GenerateRequest` besides its size. */
export interface GenerateFields {
  /** 1–1000 characters after trimming, no control characters. */
  prompt: string;
  /** The captcha answer; case-insensitive; spent by this request, right or wrong. */
  captcha: string;
  /** 0–4294967294; random when omitted. The response says which seed was used. */
  seed?: number;
  /** 0–1000 characters. */
  negativePrompt?: string;
  /**
   * The captcha's proof of work, solved (`solvePow`). The SDK fills it in when the captcha was
   * loaded through the same client; the API answers `pow_missing` without it.
   */
  pow?: PowSolution;
}

/** `POST /api/v1/generate` answered as JSON (also the `result` event of the SSE stream). */
export interface GenerateResponse {
  /** `data:image/webp;base64,…` (or `image/png` when the server is set to PNG). */
  image: string;
  mimeType: 'image/webp' | 'image/png';
  width: number;
  height: number;
  seed: number;
  provider: ProviderInfo;
}

export interface ProviderInfo {
  /** e.g. `offline`, `openai`, `stability`. */
  name: string;
  /** True for the offline preview provider: the image is a deterministic picture, not AI. */
  preview: boolean;
}

/** `event: progress` of the SSE stream. `percent` only where the upstream reports it. */
export interface GenerateProgress {
  elapsedMs: number;
  percent?: number;
  /** Moving average of how long recent images took on this server, when it has made any. */
  typicalMs?: number;
}

/** `event: queued` of the SSE stream: sent while waiting for a slot, each time the place changes. */
export interface GenerateQueued {
  /** 1 = next to start. */
  position: number;
}

/** `GET /api/v1/health` */
export interface HealthResponse {
  status: 'ok' | 'unavailable';
  ready: boolean;
  provider: ProviderInfo;
  store: 'memory' | 'redis';
}

/** Stable machine-readable error codes; the `code` field of every error body. */
export const ERROR_CODES = [
  'invalid_request',
  'captcha_missing',
  'captcha_wrong',
  'captcha_expired',
  'captcha_audio_limit',
  'pow_missing',
  'pow_invalid',
  'rate_limited',
  'concurrent_limit',
  'prompt_rejected',
  'provider_busy',
  'provider_error',
  'provider_timeout',
  'overloaded',
  'capacity_reached',
  'store_unavailable',
  'unsupported_media_type',
  'payload_too_large',
  'not_found',
  'internal_error',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** The HTTP status that goes with each error code (the OpenAPI document is built from it). */
export const ERROR_STATUS = {
  invalid_request: 400,
  captcha_missing: 400,
  captcha_wrong: 403,
  captcha_expired: 403,
  captcha_audio_limit: 429,
  pow_missing: 400,
  pow_invalid: 403,
  rate_limited: 429,
  concurrent_limit: 429,
  prompt_rejected: 422,
  provider_busy: 503,
  provider_error: 502,
  provider_timeout: 504,
  overloaded: 503,
  capacity_reached: 503,
  store_unavailable: 503,
  unsupported_media_type: 415,
  payload_too_large: 413,
  not_found: 404,
  internal_error: 500,
} as const satisfies Record<ErrorCode, number>;

/** Every error body: hapi Boom's shape plus our stable `code`. Never contains the prompt. */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  code: ErrorCode;
  /** Seconds to wait, on 429 and 503 answers (also in the `Retry-After` header). */
  retryAfter?: number;
  /** On `capacity_reached`: which budget is used up, the hour's or the (UTC) day's. */
  window?: 'hour' | 'day';
}
