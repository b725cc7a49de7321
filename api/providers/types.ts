/** The one interface every text-to-image adapter implements. */

export interface GenerateInput {
  prompt: string;
  negativePrompt?: string;
  width: number;
  height: number;
  seed: number;
  /** Aborted when the visitor disconnects or the request times out: stop the upstream call. */
  signal: AbortSignal;
  /** Called where the upstream reports progress (0–100). Optional for adapters that cannot. */
  onProgress?: (percent: number) => void;
}

export interface GeneratedImage {
  /** Raw image bytes as the upstream sent them; the server re-encodes them before they leave. */
  bytes: Uint8Array;
  mimeType: string;
  seed: number;
}

export interface ImageProvider {
  /** Short stable name (`offline`, `openai`, …), shown to clients. */
  readonly name: string;
  /** True only for the offline provider: its pictures are previews, not AI. */
  readonly preview: boolean;
  generate(input: GenerateInput): Promise<GeneratedImage>;
}

/**
 * What went wrong upstream, in our terms. generation/outcome.ts maps each kind to a stable
 * error code: rejected → 422 prompt_rejected, busy → 503 provider_busy, error → 502
 * provider_error, timeout → 504 provider_timeout, bad_output → 502 provider_error.
 */
export type ProviderFailure = 'rejected' | 'busy' | 'error' | 'timeout' | 'bad_output';

export class UpstreamError extends Error {
  override readonly name = 'UpstreamError';
  readonly kind: ProviderFailure;
  /** Seconds the client should wait, when the upstream said so (busy). */
  readonly retryAfter: number | undefined;
  /**
   * Operator-facing detail for the log (upstream status, error type). It must never contain the
   * prompt, an upstream body or an upstream error message.
   */
  readonly detail: string;

  constructor(kind: ProviderFailure, detail: string, options: { retryAfter?: number; cause?: unknown } = {}) {
    super(`provider ${kind}: ${detail}`, { cause: options.cause });
    this.kind = kind;
    this.detail = detail;
    this.retryAfter = options.retryAfter;
  }
}
