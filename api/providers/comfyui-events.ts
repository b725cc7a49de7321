/**
 * ComfyUI's websocket, read for one job: `progress` (sampler steps), `executed` (output image
 * refs), `execution_error`, and completion (`executing` with node null, or `execution_success`).
 * Binary preview frames are ignored.
 */
import WebSocket from 'ws';
import { documentedCode, field, mentionsSafety, type UpstreamCall } from './http.js';
import { UpstreamError } from './types.js';

export interface ComfyImageRef {
  filename: string;
  subfolder?: string;
  type?: string;
}

interface Message {
  type: string;
  data: unknown;
}

/** A slow or absent websocket is no failure: the job is then followed through /history. */
const HANDSHAKE_TIMEOUT_MS = 10_000;
const MAX_FRAME_BYTES = 8 * 1024 * 1024;
/** Only this job's messages are kept, and only until read; this bounds a chatty server anyway. */
const MAX_BUFFERED = 1000;

export class ComfyEvents {
  readonly #ws: WebSocket;
  readonly #call: UpstreamCall;
  readonly #buffer: Message[] = [];
  #closed = false;
  #wake: (() => void) | undefined;

  private constructor(ws: WebSocket, call: UpstreamCall) {
    this.#ws = ws;
    this.#call = call;
    ws.on('message', (raw, isBinary) => {
      if (isBinary) return;
      let message: unknown;
      try {
        message = JSON.parse(raw.toString());
      } catch {
        return;
      }
      const type = field(message, 'type');
      if (typeof type !== 'string' || field(message, 'data', 'prompt_id') === undefined) return;
      if (this.#buffer.length >= MAX_BUFFERED) this.#buffer.shift();
      this.#buffer.push({ type, data: field(message, 'data') });
      this.#notify();
    });
    ws.on('close', () => {
      this.#closed = true;
      this.#notify();
    });
    ws.on('error', () => ws.terminate());
    call.signal.addEventListener('abort', () => this.#notify(), { once: true });
  }

  /** Opens the socket; undefined when it cannot be opened (then poll /history instead). */
  static async connect(call: UpstreamCall, url: string): Promise<ComfyEvents | undefined> {
    call.throwIfAborted();
    // `ws` sends no Origin header unless asked: ComfyUI answers 403 to a mismatched one.
    const ws = new WebSocket(url, { handshakeTimeout: HANDSHAKE_TIMEOUT_MS, maxPayload: MAX_FRAME_BYTES });
    const opened = await new Promise<boolean>((resolve) => {
      const settle = (ok: boolean) => {
        call.signal.removeEventListener('abort', onAbort);
        ws.off('open', onOpen);
        ws.off('error', onError);
        resolve(ok);
      };
      const onAbort = () => settle(false);
      const onOpen = () => settle(true);
      const onError = () => settle(false);
      call.signal.addEventListener('abort', onAbort, { once: true });
      ws.once('open', onOpen);
      ws.once('error', onError);
    });
    if (!opened) {
      ws.on('error', () => undefined);
      ws.terminate();
      call.throwIfAborted();
      return undefined;
    }
    return new ComfyEvents(ws, call);
  }

  /**
   * Follows `promptId` to its end. Resolves with the images its `executed` events named, or
   * undefined when the socket closed early or named no image (then ask /history).
   */
  async waitForCompletion(promptId: string, progress: (fraction: number) => void): Promise<ComfyImageRef[] | undefined> {
    const images: ComfyImageRef[] = [];
    for (;;) {
      this.#call.throwIfAborted();
      for (let message = this.#buffer.shift(); message; message = this.#buffer.shift()) {
        const { type, data } = message;
        if (field(data, 'prompt_id') !== promptId) continue;
        if (type === 'progress') progress(Number(field(data, 'value')) / Number(field(data, 'max')));
        else if (type === 'executed') images.push(...imagesOf(field(data, 'output')));
        else if (type === 'execution_error') throw executionError(data);
        else if (type === 'execution_interrupted') throw new UpstreamError('error', 'upstream execution_interrupted');
        else if (type === 'execution_success' || (type === 'executing' && field(data, 'node') === null)) {
          return images.length > 0 ? images : undefined;
        }
      }
      if (this.#closed) return undefined;
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }

  close(): void {
    this.#ws.terminate();
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}

/** Exception types a ComfyUI node commonly fails with; others are logged as undocumented. */
const EXCEPTION_TYPES = new Set([
  'torch.OutOfMemoryError', 'torch.cuda.OutOfMemoryError', 'comfy.model_management.OOM_EXCEPTION', 'comfy.model_management.InterruptProcessingException',
  'RuntimeError', 'ValueError', 'KeyError', 'TypeError', 'AttributeError', 'IndexError', 'FileNotFoundError', 'AssertionError', 'Exception',
]);

/** An `execution_error` payload as a UpstreamError: the exception type, never its message. */
export function executionError(data: unknown): UpstreamError {
  if (mentionsSafety(field(data, 'exception_message'))) return new UpstreamError('rejected', 'upstream execution_error: NSFW');
  const type = documentedCode(field(data, 'exception_type'), EXCEPTION_TYPES);
  return new UpstreamError('error', `upstream execution_error${type ? ` ${type}` : ''}`);
}

/** The image refs of one node's output (`{images: [{filename, subfolder, type}]}`). */
export function imagesOf(output: unknown): ComfyImageRef[] {
  const images = field(output, 'images');
  return Array.isArray(images) ? images.filter((i): i is ComfyImageRef => typeof field(i, 'filename') === 'string') : [];
}
