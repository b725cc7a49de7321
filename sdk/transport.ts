import { ImagekaError, throwIfAborted } from './errors.js';
import { Attempt, errorFromResponse, retryDelay, sleepOrAbortError } from './http.js';
import { MESSAGES } from './messages.js';
import { PendingProof } from './pow.js';
import { Session } from './session.js';

export interface ImagekaOptions {
  /**
   * Where the API is hosted: its origin, optionally with a path prefix, without `/api/v1`
   * (e.g. `https://imageka.example`). Required.
   */
  baseUrl: string | URL;
  /**
   * The `fetch` to use, e.g. one with a proxy agent or a test double.
   * @default globalThis.fetch
   */
  fetch?: typeof fetch;
  /**
   * Milliseconds each attempt of `captcha`, `captchaAudio` and `health` may take, body included.
   * @default 30000
   */
  timeout?: number;
  /**
   * Milliseconds a `generate` or `generateStream` call may take. Image services can need
   * several minutes, and the API waits for them.
   * @default 360000
   */
  generateTimeout?: number;
  /**
   * How often `captcha`, `captchaAudio` and `health` are retried after a connection error, 408,
   * 429 or 5xx. `generate` is never retried: it spends the captcha.
   * @default 2
   */
  maxRetries?: number;
  /**
   * Longest wait before a retry, in milliseconds. When the API asks for a longer wait
   * (`Retry-After`), the error is thrown at once so the caller can show it.
   * @default 10000
   */
  maxRetryDelay?: number;
}

/** Per-call options. */
export interface RequestOptions {
  /** Cancels the call; it then rejects with `AbortError`. */
  signal?: AbortSignal;
  /** Overrides the client's `timeout` (or `generateTimeout`) for this call, in milliseconds. */
  timeout?: number;
}

/**
 * One visitor's connection to the API: its settings and the session that ties a captcha to the
 * `generate` call that spends it. `Imageka` wraps one; the request functions (requests.ts) take
 * one, so a bundle that needs only some of them carries only those.
 */
export interface Transport {
  /** The normalised base URL, without a trailing slash. */
  readonly baseUrl: string;
  readonly timeout: number;
  readonly generateTimeout: number;
  readonly maxRetries: number;
  readonly maxRetryDelay: number;
  readonly fetch: typeof fetch;
  readonly session: Session;
  /** The proof of work of the latest captcha, being solved. */
  readonly proof: PendingProof;
  /** In a browser the cookie is the browser's business (credentials: 'include'). */
  readonly browser: boolean;
}

export interface Call {
  method: 'GET' | 'POST';
  path: string;
  accept: string;
  body?: unknown;
  timeout: number;
  retry: boolean;
}

/** Checks `options` and makes a transport; throws TypeError for anything unusable. */
export function createTransport(options: ImagekaOptions): Transport {
  if (typeof options !== 'object' || options === null) throw new TypeError(MESSAGES.options());
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const baseUrl = normaliseBaseUrl(options.baseUrl);
  const timeout = positive('timeout', options.timeout ?? 30_000);
  const generateTimeout = positive('generateTimeout', options.generateTimeout ?? 360_000);
  const maxRetries = count('maxRetries', options.maxRetries ?? 2);
  const maxRetryDelay = count('maxRetryDelay', options.maxRetryDelay ?? 10_000);
  if (typeof fetchImpl !== 'function') throw new TypeError(MESSAGES.noFetch());
  const browser = typeof document !== 'undefined';
  return {
    baseUrl,
    timeout,
    generateTimeout,
    maxRetries,
    maxRetryDelay,
    // Called as a plain function: browsers throw "Illegal invocation" for fetch detached from window.
    fetch: (input, init) => fetchImpl(input, init),
    // Outside a browser nobody keeps the cookie unless the session does.
    session: new Session(!browser),
    proof: new PendingProof(),
    browser,
  };
}

/** A request to make: GET is retried where safe, POST (generate, which spends the captcha) never. */
export function callOf(transport: Transport, method: Call['method'], path: string, accept: string, options: RequestOptions, body?: unknown): Call {
  const timeout = options.timeout === undefined ? (method === 'POST' ? transport.generateTimeout : transport.timeout) : positive('timeout', options.timeout);
  return { method, path, accept, body, timeout, retry: method === 'GET' };
}

/** Sends `call`, retrying where that is safe, and reads the answer within the same attempt. */
export async function send<T>(
  transport: Transport,
  call: Call,
  options: RequestOptions,
  read: (response: Response) => Promise<T>,
  isAnswer: (response: Response) => boolean = (response) => response.ok,
): Promise<T> {
  for (let retries = 0; ; retries += 1) {
    throwIfAborted(options.signal);
    const attempt = new Attempt(options.signal, call.timeout);
    let error: ImagekaError;
    try {
      const response = await fetchOnce(transport, call, attempt);
      if (isAnswer(response)) return await read(response);
      error = await errorFromResponse(response);
    } catch (thrown) {
      error = attempt.translate(thrown);
    } finally {
      attempt.dispose();
    }
    const delay = call.retry ? retryDelay(error, retries, transport) : undefined;
    if (delay === undefined) throw error;
    await sleepOrAbortError(delay, options.signal);
  }
}

/** One attempt of `call`, with the session's headers out and in. */
export async function fetchOnce(transport: Transport, call: Call, attempt: Attempt): Promise<Response> {
  const headers = new Headers({ accept: call.accept });
  if (call.body !== undefined) headers.set('content-type', 'application/json');
  transport.session.apply(headers);
  const init: RequestInit = { method: call.method, headers, signal: attempt.signal };
  if (call.body !== undefined) init.body = JSON.stringify(call.body);
  if (transport.browser) init.credentials = 'include';
  const response = await transport.fetch(`${transport.baseUrl}${call.path}`, init);
  transport.session.receive(response.headers);
  return response;
}

function normaliseBaseUrl(baseUrl: unknown): string {
  if (baseUrl === undefined || baseUrl === null || baseUrl === '') throw new TypeError(MESSAGES.baseUrlMissing());
  let url: URL;
  try {
    url = new URL(String(baseUrl));
  } catch {
    throw new TypeError(MESSAGES.baseUrlInvalid(String(baseUrl)));
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TypeError(MESSAGES.baseUrlProtocol());
  if (url.search !== '' || url.hash !== '') throw new TypeError(MESSAGES.baseUrlQuery());
  return url.href.replace(/\/+$/, '');
}

function positive(name: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new TypeError(MESSAGES.positive(name, value));
  return value;
}

function count(name: string, value: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw new TypeError(MESSAGES.count(name, value));
  return value;
}
