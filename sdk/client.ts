import { AbortError, ConnectionError, ImagekaError, errorFromBody, isErrorBody } from './errors.js';
import { Attempt, errorFromResponse, errorFromText, isObject, parseJson, readJson, retryDelay, sleep } from './http.js';
import { Session } from './session.js';
import { parseEventStream } from './sse.js';
import type {
  CaptchaResponse,
  GenerateProgress,
  GenerateRequest,
  GenerateResponse,
  HealthResponse,
} from './types.js';

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

export interface GenerateOptions extends RequestOptions {
  /**
   * Called about once a second while the image is made (and whenever the image service reports
   * a percentage). Passing it switches the request to a progress stream.
   */
  onProgress?: (progress: GenerateProgress) => void;
}

/** What `generateStream` yields: progress events, then exactly one result. */
export type GenerateEvent =
  | { type: 'progress'; data: GenerateProgress }
  | { type: 'result'; data: GenerateResponse };

const DEFAULTS = {
  timeout: 30_000,
  generateTimeout: 360_000,
  maxRetries: 2,
  maxRetryDelay: 10_000,
} as const;

interface Call {
  method: 'GET' | 'POST';
  path: string;
  accept: string;
  body?: unknown;
  timeout: number;
  retry: boolean;
}

/**
 * A client for the IMAGEKA API. One instance is one visitor: it holds the session that ties a
 * captcha to the `generate` call that spends it, in memory, for its own lifetime.
 */
export class Imageka {
  /** The normalised base URL, without a trailing slash. */
  readonly baseUrl: string;
  readonly timeout: number;
  readonly generateTimeout: number;
  readonly maxRetries: number;
  readonly maxRetryDelay: number;
  readonly #fetch: typeof fetch;
  readonly #session: Session;
  readonly #browser: boolean;

  constructor(options: ImagekaOptions) {
    if (typeof options !== 'object' || options === null) {
      throw new TypeError('Imageka: pass an options object, e.g. new Imageka({ baseUrl: "https://imageka.example" }).');
    }
    this.baseUrl = normaliseBaseUrl(options.baseUrl);
    this.timeout = positive('timeout', options.timeout ?? DEFAULTS.timeout);
    this.generateTimeout = positive('generateTimeout', options.generateTimeout ?? DEFAULTS.generateTimeout);
    this.maxRetries = count('maxRetries', options.maxRetries ?? DEFAULTS.maxRetries);
    this.maxRetryDelay = count('maxRetryDelay', options.maxRetryDelay ?? DEFAULTS.maxRetryDelay);
    const fetchImpl = options.fetch ?? globalThis.fetch;
    if (typeof fetchImpl !== 'function') {
      throw new TypeError('Imageka: this runtime has no global fetch; pass one as options.fetch.');
    }
    // Called as a plain function: browsers throw "Illegal invocation" for fetch detached from window.
    this.#fetch = (input, init) => fetchImpl(input, init);
    // In a browser the cookie is the browser's business (credentials: 'include'); elsewhere
    // nobody keeps it unless we do.
    this.#browser = typeof document !== 'undefined';
    this.#session = new Session(!this.#browser);
  }

  /** Issues a new captcha for this client's session, replacing any pending one. */
  captcha(options: RequestOptions = {}): Promise<CaptchaResponse> {
    const call = this.#call('GET', '/api/v1/captcha', 'application/json', options);
    return this.#send(call, options, (response) => readJson<CaptchaResponse>(response));
  }

  /**
   * The pending captcha spoken aloud, as a `Blob` of type `audio/wav`: play it in a browser with
   * `URL.createObjectURL(blob)`, or read its bytes anywhere with `await blob.arrayBuffer()`.
   */
  captchaAudio(options: RequestOptions = {}): Promise<Blob> {
    const call = this.#call('GET', '/api/v1/captcha/audio', 'audio/wav', options);
    return this.#send(call, options, async (response) => {
      const bytes = await response.arrayBuffer();
      return new Blob([bytes], { type: response.headers.get('content-type') ?? 'audio/wav' });
    });
  }

  /**
   * Makes an image. Sent once and never retried: the API spends the captcha on the attempt,
   * right or wrong. After a CaptchaError, or any error once generation started, load a new
   * captcha; ValidationError, RateLimitError and OverloadedError leave it pending.
   */
  async generate(request: GenerateRequest, options: GenerateOptions = {}): Promise<GenerateResponse> {
    const { onProgress } = options;
    if (onProgress === undefined) {
      const call = this.#call('POST', '/api/v1/generate', 'application/json', options, request);
      return this.#send(call, options, (response) => readJson<GenerateResponse>(response));
    }
    for await (const event of this.generateStream(request, options)) {
      if (event.type === 'progress') onProgress(event.data);
      else return event.data;
    }
    throw new ConnectionError('The progress stream ended without a result.');
  }

  /**
   * Makes an image and yields its progress, then the result. The request is sent when iteration
   * starts; leaving the loop early cancels it, and the API stops the image service's work.
   */
  async *generateStream(request: GenerateRequest, options: RequestOptions = {}): AsyncGenerator<GenerateEvent, void> {
    const call = this.#call('POST', '/api/v1/generate', 'text/event-stream', options, request);
    throwIfAborted(options.signal);
    const attempt = new Attempt(options.signal, call.timeout);
    try {
      const response = await this.#fetchOnce(call, attempt);
      if (!response.ok) throw await errorFromResponse(response);
      if (!isEventStream(response) || response.body === null) {
        yield { type: 'result', data: await readJson<GenerateResponse>(response) };
        return;
      }
      for await (const { event, data } of parseEventStream(response.body)) {
        const value = parseJson(data);
        if (event === 'progress') {
          if (isObject(value)) yield { type: 'progress', data: value as unknown as GenerateProgress };
        } else if (event === 'result') {
          if (!isObject(value)) throw new ImagekaError('The API sent a result that could not be read.');
          yield { type: 'result', data: value as unknown as GenerateResponse };
          return;
        } else if (event === 'error') {
          throw isErrorBody(value)
            ? errorFromBody(value.statusCode, value, response.headers)
            : new ImagekaError('The API sent an error event that could not be read.');
        }
      }
      throw new ConnectionError('The progress stream ended without a result.');
    } catch (error) {
      throw attempt.translate(error);
    } finally {
      attempt.cancel();
    }
  }

  /** The API's readiness. A not-ready API (503) still resolves, with `ready: false`. */
  health(options: RequestOptions = {}): Promise<HealthResponse> {
    const call = this.#call('GET', '/api/v1/health', 'application/json', options);
    return this.#send(call, options, readHealth, (response) => response.ok || response.status === 503);
  }

  #call(method: Call['method'], path: string, accept: string, options: RequestOptions, body?: unknown): Call {
    const timeout = method === 'POST' ? this.generateTimeout : this.timeout;
    return {
      method,
      path,
      accept,
      body,
      timeout: options.timeout === undefined ? timeout : positive('timeout', options.timeout),
      retry: method === 'GET',
    };
  }

  /** Sends `call`, retrying where that is safe, and reads the answer within the same attempt. */
  async #send<T>(
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
        const response = await this.#fetchOnce(call, attempt);
        if (isAnswer(response)) return await read(response);
        error = await errorFromResponse(response);
      } catch (thrown) {
        error = attempt.translate(thrown);
      } finally {
        attempt.dispose();
      }
      const delay = call.retry ? retryDelay(error, retries, this) : undefined;
      if (delay === undefined) throw error;
      await sleep(delay, options.signal);
    }
  }

  async #fetchOnce(call: Call, attempt: Attempt): Promise<Response> {
    const headers = new Headers({ accept: call.accept });
    if (call.body !== undefined) headers.set('content-type', 'application/json');
    this.#session.apply(headers);
    const init: RequestInit = { method: call.method, headers, signal: attempt.signal };
    if (call.body !== undefined) init.body = JSON.stringify(call.body);
    if (this.#browser) init.credentials = 'include';
    const response = await this.#fetch(`${this.baseUrl}${call.path}`, init);
    this.#session.receive(response.headers);
    return response;
  }
}

/** Checked before sending, so an aborted call never reaches the network. */
function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AbortError({ cause: signal.reason });
}

function isEventStream(response: Response): boolean {
  return (response.headers.get('content-type') ?? '').toLowerCase().startsWith('text/event-stream');
}

/** A not-ready API answers 503 with a health body; any other 503 (overloaded, a proxy) is an error. */
async function readHealth(response: Response): Promise<HealthResponse> {
  if (response.ok) return readJson<HealthResponse>(response);
  const text = await response.text();
  const value = parseJson(text);
  if (isObject(value) && typeof value.status === 'string' && typeof value.ready === 'boolean') {
    return value as unknown as HealthResponse;
  }
  throw errorFromText(response, text);
}

function normaliseBaseUrl(baseUrl: unknown): string {
  const example = 'e.g. new Imageka({ baseUrl: "https://imageka.example" })';
  if (baseUrl === undefined || baseUrl === null || baseUrl === '') {
    throw new TypeError(`Imageka: options.baseUrl is required: the address where the API is hosted, ${example}.`);
  }
  let url: URL;
  try {
    url = new URL(String(baseUrl));
  } catch {
    throw new TypeError(`Imageka: options.baseUrl must be an absolute http(s) URL, ${example}; got "${String(baseUrl)}".`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new TypeError(`Imageka: options.baseUrl must use http or https, ${example}.`);
  }
  if (url.search !== '' || url.hash !== '') {
    throw new TypeError(`Imageka: options.baseUrl must not have a query or fragment, ${example}.`);
  }
  return url.href.replace(/\/+$/, '');
}

function positive(name: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new TypeError(`Imageka: ${name} must be a positive number of milliseconds; got ${String(value)}.`);
  }
  return value;
}

function count(name: string, value: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new TypeError(`Imageka: ${name} must be a whole number, 0 or more; got ${String(value)}.`);
  }
  return value;
}
