import { MESSAGES } from './messages.js';
import { parseRetryAfter } from './retry-after.js';
import type { ErrorBody, ErrorCode } from './types.js';

/**
 * Marks errors made by any copy of this SDK. `Symbol.for` is shared across realms (iframes,
 * workers' copies, a widget bundle next to an npm install), where `instanceof` fails.
 */
const BRAND = Symbol.for('imageka.error');

type ErrorName =
  | 'ImagekaError'
  | 'APIError'
  | 'ValidationError'
  | 'CaptchaError'
  | 'ProofOfWorkError'
  | 'RateLimitError'
  | 'PromptRejectedError'
  | 'ProviderError'
  | 'OverloadedError'
  | 'CapacityError'
  | 'ConnectionError'
  | 'TimeoutError'
  | 'AbortError';

const PARENT: Record<ErrorName, ErrorName | undefined> = {
  ImagekaError: undefined,
  APIError: 'ImagekaError',
  ValidationError: 'APIError',
  CaptchaError: 'APIError',
  ProofOfWorkError: 'APIError',
  RateLimitError: 'APIError',
  PromptRejectedError: 'APIError',
  ProviderError: 'APIError',
  OverloadedError: 'APIError',
  CapacityError: 'APIError',
  ConnectionError: 'ImagekaError',
  TimeoutError: 'ImagekaError',
  AbortError: 'ImagekaError',
};

/** Base class of every error the SDK throws. */
export class ImagekaError extends Error {
  override name: ErrorName = 'ImagekaError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/**
 * The API answered with an error status. `message` is the API's own, safe to show. Fields here
 * and below are `declare`d because each constructor sets them: no separate definition is emitted.
 */
export class APIError extends ImagekaError {
  override name: ErrorName = 'APIError';
  /** HTTP status, or the `statusCode` of an `error` event in a progress stream. */
  declare readonly status: number;
  /** Stable machine-readable code; `undefined` when the body was not the API's (e.g. a proxy page). */
  declare readonly code: ErrorCode | undefined;
  /** `X-Request-Id` of the response, for correlating in your own logs (IMAGEKA does not log it). */
  declare readonly requestId: string | undefined;
  declare readonly headers: Headers;
  /** The parsed error body, when it was one. */
  declare readonly body: ErrorBody | undefined;

  constructor(status: number, body: ErrorBody | undefined, headers: Headers, message?: string) {
    super(body?.message ?? message ?? MESSAGES.status(status));
    this.status = status;
    this.code = body?.code;
    this.body = body;
    this.headers = headers;
    this.requestId = headers.get('x-request-id') ?? undefined;
  }
}

/** The request was malformed: `invalid_request`, `payload_too_large`, `unsupported_media_type`. */
export class ValidationError extends APIError {
  override name: ErrorName = 'ValidationError';
}

export type CaptchaFailure = 'missing' | 'wrong' | 'expired' | 'audio_limit';

/**
 * The captcha answer was missing, wrong or expired (it is spent either way), or the captcha was
 * played as often as one can be (`audio_limit`): fetch a new one.
 */
export class CaptchaError extends APIError {
  override name: ErrorName = 'CaptchaError';
  declare readonly reason: CaptchaFailure;

  constructor(reason: CaptchaFailure, status: number, body: ErrorBody | undefined, headers: Headers) {
    super(status, body, headers);
    this.reason = reason;
  }
}

/**
 * The captcha's proof of work was missing (`pow_missing`) or not accepted (`pow_invalid`: not
 * this captcha's, expired, already used or unsolved). The captcha is left pending, but its proof
 * of work may be spent: load a new captcha.
 */
export class ProofOfWorkError extends APIError {
  override name: ErrorName = 'ProofOfWorkError';
  declare readonly reason: 'missing' | 'invalid';

  constructor(reason: 'missing' | 'invalid', status: number, body: ErrorBody | undefined, headers: Headers) {
    super(status, body, headers);
    this.reason = reason;
  }
}

/**
 * An API error that may come with a wait (`retryAfter`, from the body or `Retry-After`). Not
 * exported: each kind of wait has its own class below, and type guards go by those names.
 */
class ErrorWithWait extends APIError {
  /** Seconds to wait before trying again, when the API said so. */
  declare readonly retryAfter: number | undefined;

  constructor(status: number, body: ErrorBody | undefined, headers: Headers) {
    super(status, body, headers);
    this.retryAfter = retryAfterOfResponse(body, headers);
  }
}

/**
 * Too many requests from this client: `rate_limited` (too many in a while) or `concurrent_limit`
 * (as many running at once as the API allows one client; wait for one to finish).
 */
export class RateLimitError extends ErrorWithWait {
  override name: ErrorName = 'RateLimitError';
}

/** The image service refused the prompt (`prompt_rejected`). Rephrase it; do not retry as is. */
export class PromptRejectedError extends APIError {
  override name: ErrorName = 'PromptRejectedError';
}

/** The image service failed: `provider_busy` (with `retryAfter`), `provider_error`, `provider_timeout`. */
export class ProviderError extends ErrorWithWait {
  override name: ErrorName = 'ProviderError';
}

/** The API is at capacity (`overloaded`). */
export class OverloadedError extends ErrorWithWait {
  override name: ErrorName = 'OverloadedError';
}

/**
 * The operator's budget of generations is used up (`capacity_reached`) until the end of the
 * hour or UTC day (`retryAfter` runs to it). The captcha stays pending until it expires.
 */
export class CapacityError extends ErrorWithWait {
  override name: ErrorName = 'CapacityError';
  /** Which budget is used up. */
  declare readonly window: 'hour' | 'day' | undefined;

  constructor(status: number, body: ErrorBody | undefined, headers: Headers) {
    super(status, body, headers);
    this.window = body?.window;
  }
}

/** The API could not be reached, or the connection broke before a complete answer. */
export class ConnectionError extends ImagekaError {
  override name: ErrorName = 'ConnectionError';
}

/** The request took longer than its `timeout` and was cancelled. */
export class TimeoutError extends ImagekaError {
  override name: ErrorName = 'TimeoutError';
  /** The limit that was exceeded, in milliseconds. */
  declare readonly timeout: number;

  constructor(timeout: number, options?: { cause?: unknown }) {
    super(MESSAGES.timeout(timeout), options);
    this.timeout = timeout;
  }
}

/** The caller's `AbortSignal` cancelled the request. `cause` is the signal's reason. */
export class AbortError extends ImagekaError {
  override name: ErrorName = 'AbortError';

  constructor(options?: { cause?: unknown }) {
    super(MESSAGES.aborted(), options);
  }
}

/** How long the API asked to wait, in seconds: the body's `retryAfter`, else a `Retry-After` header in seconds or as an HTTP date. */
export function retryAfterOfResponse(body: ErrorBody | undefined, headers: Headers): number | undefined {
  if (typeof body?.retryAfter === 'number' && body.retryAfter >= 0) return body.retryAfter;
  return parseRetryAfter(headers.get('retry-after'));
}

/** Builds the error class that matches an API error body (or a bare status, when the body is not ours). */
export function errorFromBody(status: number, body: ErrorBody | undefined, headers: Headers): APIError {
  switch (body?.code) {
    case 'invalid_request':
    case 'payload_too_large':
    case 'unsupported_media_type':
      return new ValidationError(status, body, headers);
    case 'captcha_missing':
      return new CaptchaError('missing', status, body, headers);
    case 'captcha_wrong':
      return new CaptchaError('wrong', status, body, headers);
    case 'captcha_expired':
      return new CaptchaError('expired', status, body, headers);
    case 'captcha_audio_limit':
      return new CaptchaError('audio_limit', status, body, headers);
    case 'pow_missing':
      return new ProofOfWorkError('missing', status, body, headers);
    case 'pow_invalid':
      return new ProofOfWorkError('invalid', status, body, headers);
    case 'rate_limited':
    case 'concurrent_limit':
      return new RateLimitError(status, body, headers);
    case 'prompt_rejected':
      return new PromptRejectedError(status, body, headers);
    case 'provider_busy':
    case 'provider_error':
    case 'provider_timeout':
      return new ProviderError(status, body, headers);
    case 'overloaded':
      return new OverloadedError(status, body, headers);
    case 'capacity_reached':
      return new CapacityError(status, body, headers);
    case undefined:
      return status === 429 ? new RateLimitError(status, body, headers) : new APIError(status, body, headers);
    default:
      return new APIError(status, body, headers);
  }
}

/** True when `value` is an ErrorBody as the API sends it. */
export function isErrorBody(value: unknown): value is ErrorBody {
  return isObject(value) && typeof value.statusCode === 'number' && typeof value.message === 'string' && typeof value.code === 'string';
}

export function isObject(value: unknown): value is Record<string | symbol, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Throws AbortError when `signal` has aborted: before sending, so an aborted call never reaches the network, and between steps of long work. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AbortError({ cause: signal.reason });
}

function isA(value: unknown, name: ErrorName): boolean {
  if (!isObject(value) || value[BRAND] !== true) return false;
  let current = value.name;
  while (typeof current === 'string' && Object.hasOwn(PARENT, current)) {
    if (current === name) return true;
    current = PARENT[current as ErrorName];
  }
  return false;
}

// Type guards by name and brand, so they hold across realms and bundles where instanceof does not.
export const isImagekaError = (value: unknown): value is ImagekaError => isA(value, 'ImagekaError');
export const isAPIError = (value: unknown): value is APIError => isA(value, 'APIError');
export const isValidationError = (value: unknown): value is ValidationError => isA(value, 'ValidationError');
export const isCaptchaError = (value: unknown): value is CaptchaError => isA(value, 'CaptchaError');
export const isProofOfWorkError = (value: unknown): value is ProofOfWorkError => isA(value, 'ProofOfWorkError');
export const isRateLimitError = (value: unknown): value is RateLimitError => isA(value, 'RateLimitError');
export const isPromptRejectedError = (value: unknown): value is PromptRejectedError =>
  isA(value, 'PromptRejectedError');
export const isProviderError = (value: unknown): value is ProviderError => isA(value, 'ProviderError');
export const isOverloadedError = (value: unknown): value is OverloadedError => isA(value, 'OverloadedError');
export const isCapacityError = (value: unknown): value is CapacityError => isA(value, 'CapacityError');
export const isConnectionError = (value: unknown): value is ConnectionError => isA(value, 'ConnectionError');
export const isTimeoutError = (value: unknown): value is TimeoutError => isA(value, 'TimeoutError');
export const isAbortError = (value: unknown): value is AbortError => isA(value, 'AbortError');
