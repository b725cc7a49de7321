/**
 * Shared upstream plumbing for the adapters. Everything here turns upstream trouble into a
 * UpstreamError whose message and detail hold only status codes and enum-like fields: upstream
 * bodies, URLs (Pollinations puts the prompt in the path) and error texts never get in.
 */
import { parseRetryAfter } from '../../sdk/retry-after.js';
import { UpstreamError } from './types.js';

/** Large enough for a 4K PNG, small enough that a hostile upstream cannot exhaust memory. */
const MAX_BODY_BYTES = 48 * 1024 * 1024;
/** JSON answers may carry the image as base64 (4/3 of its bytes): room for the largest accepted one. */
const MAX_JSON_BYTES = 64 * 1024 * 1024;
/** Upstreams can say "come back tomorrow" (daily quotas); clients should retry far sooner. */
export const RETRY_AFTER_CAP_SECONDS = 600;

/**
 * One generate() call against an upstream: a deadline combined with the caller's signal, shared
 * by every request of the call (create, polls, download), so the timeout bounds the whole call.
 */
export class UpstreamCall {
  readonly signal: AbortSignal;
  readonly #deadline: AbortSignal;
  readonly #timeoutMs: number;

  constructor(callerSignal: AbortSignal, timeoutMs: number) {
    this.#timeoutMs = timeoutMs;
    this.#deadline = AbortSignal.timeout(timeoutMs);
    this.signal = AbortSignal.any([callerSignal, this.#deadline]);
  }

  /** Throws the matching UpstreamError once the call is aborted (between polls, after awaits). */
  throwIfAborted(): void {
    if (this.signal.aborted) throw this.failure(this.signal.reason);
  }

  async fetch(url: string | URL, init: RequestInit = {}): Promise<Response> {
    this.throwIfAborted();
    try {
      return await fetch(url, { ...init, signal: this.signal });
    } catch (err) {
      throw this.failure(err);
    }
  }

  /** The body as bytes, refusing more than `limit` bytes without buffering them. */
  async bytes(res: Response, limit = MAX_BODY_BYTES): Promise<Uint8Array> {
    const declared = Number(res.headers.get('content-length') ?? NaN);
    if (declared > limit) {
      await discard(res);
      throw new UpstreamError('bad_output', `upstream body larger than ${limit} bytes`);
    }
    if (!res.body) return new Uint8Array(0);
    const reader = res.body.getReader();
    const chunks: Uint8Array[] = [];
    let total = 0;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        total += value.byteLength;
        if (total > limit) {
          await reader.cancel().catch(() => undefined);
          throw new UpstreamError('bad_output', `upstream body larger than ${limit} bytes`);
        }
        chunks.push(value);
      }
    } catch (err) {
      throw this.failure(err);
    }
    return Buffer.concat(chunks, total);
  }

  /** A JSON body, or 'bad_output'. The parser's own message quotes the body, so it is dropped. */
  async json(res: Response): Promise<unknown> {
    const text = Buffer.from(await this.bytes(res, MAX_JSON_BYTES)).toString('utf8');
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new UpstreamError('bad_output', `upstream ${res.status} sent malformed JSON`);
    }
  }

  /** An error body for inspection only (codes, safety markers); undefined when it is not JSON. */
  async errorBody(res: Response): Promise<unknown> {
    try {
      return await this.json(res);
    } catch (err) {
      if (err instanceof UpstreamError && err.kind === 'bad_output') return undefined;
      throw err;
    }
  }

  /** Waits `ms`, but wakes up and throws as soon as the call is aborted (delayUnlessAborted only wakes up). */
  async sleepOrThrow(ms: number): Promise<void> {
    this.throwIfAborted();
    await delayUnlessAborted(ms, this.signal);
    this.throwIfAborted();
  }

  /** Maps anything thrown during the call to a UpstreamError that carries no upstream text. */
  failure(err: unknown): UpstreamError {
    if (err instanceof UpstreamError) return err;
    if (this.signal.aborted) {
      const reason: unknown = this.signal.reason;
      if (reason === this.#deadline.reason) {
        return new UpstreamError('timeout', `no answer within ${this.#timeoutMs} ms`);
      }
      // The caller's own deadline is a timeout too; a disconnect is not, and nobody will read it.
      if (isTimeoutReason(reason)) return new UpstreamError('timeout', 'request deadline reached', { cause: reason });
      return new UpstreamError('error', 'aborted by caller', { cause: reason });
    }
    return new UpstreamError('error', `network error${networkCode(err)}`);
  }
}

/** Resolves after `ms`, or early when `signal` aborts; never rejects. */
export function delayUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

function isTimeoutReason(reason: unknown): boolean {
  return reason instanceof Error && reason.name === 'TimeoutError';
}

/** undici wraps socket errors as `TypeError('fetch failed', { cause: { code } })`; keep the code only. */
function networkCode(err: unknown): string {
  const cause = err instanceof Error ? (err.cause as { code?: unknown } | undefined) : undefined;
  const code = safeToken(cause?.code);
  return code ? ` (${code})` : '';
}

export async function discard(res: Response): Promise<void> {
  await res.body?.cancel().catch(() => undefined);
}

/**
 * An enum-like token (an id, a status) or undefined; never free text. Safe in a URL path; a value
 * bound for the log goes through documentedCode instead.
 */
export function safeToken(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'string' && /^[A-Za-z0-9_.:-]{1,64}$/.test(value)) return value;
  return undefined;
}

/** Logged in place of an error code the provider does not document. */
export const UNDOCUMENTED_CODE = 'undocumented-code';

/**
 * An upstream error code fit for the operator log: one the adapter lists (the codes its provider
 * documents), else a generic label. Any field a service sends may echo the prompt, however much
 * it looks like a token ("code": "my-private-diagnosis"), so only our own strings are logged.
 */
export function documentedCode(value: unknown, documented: ReadonlySet<string>): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const text = typeof value === 'string' || typeof value === 'number' ? String(value) : '';
  return documented.has(text) ? text : UNDOCUMENTED_CODE;
}

/** Reads `obj.a.b…` from an untyped body without throwing. */
export function field(obj: unknown, ...path: (string | number)[]): unknown {
  let cur: unknown = obj;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[key];
  }
  return cur;
}

/**
 * Whether an upstream error text says the content was refused. Used only to classify; the text
 * itself is never kept.
 */
export function mentionsSafety(...texts: unknown[]): boolean {
  return texts.some((t) => typeof t === 'string' && /nsfw|unsafe content|content[ _-]?policy|moderation/i.test(t));
}

/**
 * Seconds from `retry-after-ms`, or `Retry-After` as delta-seconds or an HTTP-date; at least 1,
 * at most RETRY_AFTER_CAP_SECONDS; undefined when absent or unreadable.
 */
export function upstreamRetryAfterSeconds(headers: Headers, now = Date.now()): number | undefined {
  const ms = headers.get('retry-after-ms');
  if (ms && /^\d+(\.\d+)?$/.test(ms.trim())) return clampRetry(Number(ms) / 1000);
  const seconds = parseRetryAfter(headers.get('retry-after'), now);
  return seconds === undefined ? undefined : clampRetry(seconds);
}

export function clampRetry(seconds: number): number {
  return Math.min(RETRY_AFTER_CAP_SECONDS, Math.max(1, Math.ceil(seconds)));
}

/**
 * The default reading of a non-2xx status: 429, 402 (credits) and 503 (model loading, capacity)
 * are 'busy'; 408 and 504 'timeout'; everything else, auth included, an operator 'error'.
 * Adapters check their safety signals before falling back to this.
 */
export function statusFailure(res: Response, code?: string, retryAfter?: number): UpstreamError {
  const detail = `upstream ${res.status}${code ? ` ${code}` : ''}`;
  if (res.status === 429 || res.status === 402 || res.status === 503) {
    return new UpstreamError('busy', detail, { retryAfter: upstreamRetryAfterSeconds(res.headers) ?? retryAfter });
  }
  if (res.status === 408 || res.status === 504) return new UpstreamError('timeout', detail);
  return new UpstreamError('error', detail);
}

export function bearer(token: string | undefined): Record<string, string> {
  return token ? { authorization: `Bearer ${token}` } : {};
}

/** `base` + `path` without doubled or missing slashes; base URLs may or may not end in `/`. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}
