import {
  AbortError,
  APIError,
  ConnectionError,
  ImagekaError,
  TimeoutError,
  errorFromBody,
  isAPIError,
  isConnectionError,
  isErrorBody,
  isImagekaError,
  isObject,
  retryAfterOfResponse,
  throwIfAborted,
} from './errors.js';
import { MESSAGES } from './messages.js';

/**
 * One attempt's cancellation: the caller's signal and the timeout both abort it, and whatever
 * the attempt throws is translated into the SDK's errors by what actually happened.
 */
export class Attempt {
  readonly signal: AbortSignal;
  readonly #controller = new AbortController();
  readonly #userSignal: AbortSignal | undefined;
  readonly #timeout: number;
  readonly #timer: ReturnType<typeof setTimeout>;
  readonly #onAbort = (): void => this.#controller.abort(this.#userSignal?.reason);
  #timedOut = false;

  constructor(userSignal: AbortSignal | undefined, timeout: number) {
    this.signal = this.#controller.signal;
    this.#userSignal = userSignal;
    this.#timeout = timeout;
    this.#timer = setTimeout(() => {
      this.#timedOut = true;
      this.#controller.abort(new DOMException(MESSAGES.noAnswer(timeout), 'TimeoutError'));
    }, timeout);
    if (userSignal?.aborted) this.#onAbort();
    else userSignal?.addEventListener('abort', this.#onAbort, { once: true });
  }

  /** The SDK error for anything thrown while the attempt ran. */
  translate(error: unknown): ImagekaError {
    if (this.#userSignal?.aborted) return new AbortError({ cause: this.#userSignal.reason });
    if (this.#timedOut) return new TimeoutError(this.#timeout, { cause: error });
    if (isImagekaError(error)) return error;
    return new ConnectionError(MESSAGES.unreachable(), { cause: error });
  }

  /** Stops the timer and lets go of the caller's signal; the request itself is finished. */
  dispose(): void {
    clearTimeout(this.#timer);
    this.#userSignal?.removeEventListener('abort', this.#onAbort);
  }

  /** Cancels the request (e.g. a stream the caller stopped reading) and disposes. */
  cancel(): void {
    this.#controller.abort();
    this.dispose();
  }
}

export interface RetryPolicy {
  maxRetries: number;
  maxRetryDelay: number;
}

/** Exponential backoff from half a second, with up to 25% jitter so clients do not retry in step. */
const BACKOFF_BASE_MS = 500;

/**
 * How long to wait before retrying after `error`, or `undefined` to give up: only connection
 * errors, 408, 429 and 5xx are retried (never a timeout: the caller set that limit), and a
 * `Retry-After` longer than `maxRetryDelay` is left to the caller, with the error in hand.
 */
export function retryDelay(error: ImagekaError, attempt: number, policy: RetryPolicy): number | undefined {
  if (attempt >= policy.maxRetries) return undefined;
  if (isAPIError(error)) {
    const { status } = error;
    if (status !== 408 && status !== 429 && status < 500) return undefined;
    const seconds = retryAfterOfResponse(error.body, error.headers);
    if (seconds !== undefined) {
      const ms = seconds * 1000;
      return ms <= policy.maxRetryDelay ? ms : undefined;
    }
  } else if (!isConnectionError(error)) {
    return undefined;
  }
  const backoff = Math.min(BACKOFF_BASE_MS * 2 ** attempt, policy.maxRetryDelay);
  return backoff * (1 - Math.random() * 0.25);
}

/** Waits `ms`, or rejects with AbortError as soon as `signal` aborts. */
export function sleepOrAbortError(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    throwIfAborted(signal);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new AbortError({ cause: signal?.reason }));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The error for a non-success response, from its body when it is the API's. */
export async function errorFromResponse(response: Response): Promise<APIError> {
  return errorFromText(response, await response.text());
}

/** The same, for a body already read. */
export function errorFromText(response: Response, text: string): APIError {
  const body = parseJson(text);
  return isErrorBody(body)
    ? errorFromBody(response.status, body, response.headers)
    : new APIError(response.status, undefined, response.headers, MESSAGES.status(response.status, response.statusText));
}

/** The parsed JSON, or `undefined` when it is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Reads a successful JSON body; a body that is not JSON is the API's fault, said as such. */
export async function readJson<T>(response: Response): Promise<T> {
  const value = parseJson(await response.text());
  if (!isObject(value)) {
    throw new APIError(response.status, undefined, response.headers, MESSAGES.notJson());
  }
  return value as T;
}
