import { ConnectionError, ImagekaError, errorFromBody, isErrorBody, isObject, throwIfAborted } from './errors.js';
import { Attempt, errorFromResponse, parseJson, readJson } from './http.js';
import { MESSAGES } from './messages.js';
import { parseEventStream } from './sse.js';
import { callOf, fetchOnce, send, type RequestOptions, type Transport } from './transport.js';
import type { GenerateProgress, GenerateQueued, GenerateRequest, GenerateResponse } from './types.js';

/*
 * The generation calls, apart from the other requests: the widget loads them only when a
 * visitor generates, so its first download carries no progress stream parser.
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

/** The request with the pending captcha's solved proof of work, unless the caller brought one. */
async function withProof(transport: Transport, request: GenerateRequest, options: RequestOptions): Promise<GenerateRequest> {
  if (request.pow !== undefined) return request;
  const pow = await transport.proof.take(options.signal);
  return pow === undefined ? request : { ...request, pow };
}

function isEventStream(response: Response): boolean {
  return (response.headers.get('content-type') ?? '').toLowerCase().startsWith('text/event-stream');
}
