import { ConnectionError, ImagekaError, errorFromBody, isErrorBody, isObject, throwIfAborted } from './errors.js';
import { Attempt, errorFromResponse, errorFromText, parseJson, readJson } from './http.js';
import { MESSAGES } from './messages.js';
import { parseEventStream } from './sse.js';
import { callOf, fetchOnce, send, type RequestOptions, type Transport } from './transport.js';
import type { CaptchaResponse, GenerateProgress, GenerateQueued, GenerateRequest, GenerateResponse, HealthResponse } from './types.js';

/*
 * Each API call as a function of a transport: `Imageka`'s methods delegate here, and a bundle
 * that imports only some of them (the widget) leaves the rest out.
 */

export interface GenerateOptions extends RequestOptions {
  /**
   * Called about once a second while the image is made (and whenever the image service reports
   * a percentage). Passing it switches the request to a progress stream.
   */
  onProgress?: (progress: GenerateProgress) => void;
  /**
   * Called while the request waits for its turn on a busy server, each time its place in line
   * changes (`position` 1 = next), before any progress. Passing it switches to a progress stream.
   */
  onQueued?: (queued: GenerateQueued) => void;
}

/** What `generateStream` yields: places in line while waiting, progress events, then exactly one result. */
export type GenerateEvent =
  | { type: 'queued'; data: GenerateQueued }
  | { type: 'progress'; data: GenerateProgress }
  | { type: 'result'; data: GenerateResponse };

export interface CaptchaOptions extends RequestOptions {
  /** `dark` draws light characters on a dark ground, for dark pages. @default 'light' */
  theme?: 'light' | 'dark';
}

/** See `Imageka.captcha`. */
export async function captcha(transport: Transport, options: CaptchaOptions = {}): Promise<CaptchaResponse> {
  const call = callOf(transport, 'GET', options.theme === 'dark' ? '/api/v1/captcha?theme=dark' : '/api/v1/captcha', 'application/json', options);
  const challenge = await send(transport, call, options, (response) => readJson<CaptchaResponse>(response));
  // Solving starts now, while the visitor reads the captcha; generate() waits for it if needed.
  if (isObject(challenge.pow)) transport.proof.start(challenge.pow);
  return challenge;
}

export interface CaptchaAudioOptions extends RequestOptions {
  /**
   * The language to speak the characters in, as a BCP 47 tag (`de`, `fr`, `pt-BR`, `de-CH`…).
   * A language the server has no voice for is spoken in English: see `CaptchaAudio.language`.
   * @default 'en'
   */
  lang?: string;
}

/** The spoken captcha: a `Blob` of type `audio/wav`. */
export interface CaptchaAudio extends Blob {
  /** The language it was spoken in (the `Content-Language` the API sent): English when `lang` had no voice. */
  readonly language: string;
}

/** See `Imageka.captchaAudio`. */
export function captchaAudio(transport: Transport, options: CaptchaAudioOptions = {}): Promise<CaptchaAudio> {
  const query = options.lang === undefined ? '' : `?lang=${encodeURIComponent(options.lang)}`;
  const call = callOf(transport, 'GET', `/api/v1/captcha/audio${query}`, 'audio/wav', options);
  return send(transport, call, options, async (response) => {
    const bytes = await response.arrayBuffer();
    const blob = new Blob([bytes], { type: response.headers.get('content-type') ?? 'audio/wav' });
    return Object.assign(blob, { language: response.headers.get('content-language') ?? 'en' });
  });
}

/** See `Imageka.generate`. */
export async function generate(transport: Transport, request: GenerateRequest, options: GenerateOptions = {}): Promise<GenerateResponse> {
  const { onProgress, onQueued } = options;
  if (onProgress === undefined && onQueued === undefined) {
    const call = callOf(transport, 'POST', '/api/v1/generate', 'application/json', options, await withProof(transport, request, options));
    return send(transport, call, options, (response) => readJson<GenerateResponse>(response));
  }
  for await (const event of generateStream(transport, request, options)) {
    if (event.type === 'progress') onProgress?.(event.data);
    else if (event.type === 'queued') onQueued?.(event.data);
    else return event.data;
  }
  throw new ConnectionError(MESSAGES.streamEnded());
}

/** See `Imageka.generateStream`. */
export async function* generateStream(transport: Transport, request: GenerateRequest, options: RequestOptions = {}): AsyncGenerator<GenerateEvent, void> {
  const call = callOf(transport, 'POST', '/api/v1/generate', 'text/event-stream', options, await withProof(transport, request, options));
  throwIfAborted(options.signal);
  const attempt = new Attempt(options.signal, call.timeout);
  try {
    const response = await fetchOnce(transport, call, attempt);
    if (!response.ok) throw await errorFromResponse(response);
    if (!isEventStream(response) || response.body === null) {
      yield { type: 'result', data: await readJson<GenerateResponse>(response) };
      return;
    }
    for await (const { event, data } of parseEventStream(response.body)) {
      const value = parseJson(data);
      if (event === 'progress') {
        if (isObject(value)) yield { type: 'progress', data: value as unknown as GenerateProgress };
      } else if (event === 'queued') {
        if (isObject(value)) yield { type: 'queued', data: value as unknown as GenerateQueued };
      } else if (event === 'result') {
        if (!isObject(value)) throw new ImagekaError(MESSAGES.badResult());
        yield { type: 'result', data: value as unknown as GenerateResponse };
        return;
      } else if (event === 'error') {
        throw isErrorBody(value)
          ? errorFromBody(value.statusCode, value, response.headers)
          : new ImagekaError(MESSAGES.badErrorEvent());
      }
    }
    throw new ConnectionError(MESSAGES.streamEnded());
  } catch (error) {
    throw attempt.translate(error);
  } finally {
    attempt.cancel();
  }
}

/** See `Imageka.health`. */
export function health(transport: Transport, options: RequestOptions = {}): Promise<HealthResponse> {
  const call = callOf(transport, 'GET', '/api/v1/health', 'application/json', options);
  return send(transport, call, options, readHealth, (response) => response.ok || response.status === 503);
}

/** The request with the pending captcha's solved proof of work, unless the caller brought one. */
async function withProof(transport: Transport, request: GenerateRequest, options: RequestOptions): Promise<GenerateRequest> {
  if (request.pow !== undefined) return request;
  const pow = await transport.proof.take(options.signal);
  return pow === undefined ? request : { ...request, pow };
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
