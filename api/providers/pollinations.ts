/**
 * Pollinations image endpoint: one long GET with the prompt in the path. It is always sent with
 * `private=true&nofeed=true`, or the prompt would be broadcast on the public /feed.
 */
import { UpstreamCall, bearer, documentedCode, field, joinUrl, mentionsSafety, statusFailure } from './http.js';
import { imageResult } from './image-data.js';
import { UpstreamError, type GenerateInput, type GeneratedImage, type ImageProvider } from './types.js';

export interface PollinationsConfig {
  apiKey: string;
  /** @default 'https://gen.pollinations.ai' */
  baseUrl?: string;
  /** Always sent: the default differs between the gateway's versions. @default 'flux' */
  model?: string;
  /** Ask Pollinations to refuse NSFW results. @default true */
  safe?: boolean;
  /** The upstream holds the GET up to 300 s. @default 300000 */
  timeoutMs?: number;
}

export const POLLINATIONS_DEFAULT_BASE_URL = 'https://gen.pollinations.ai';
export const POLLINATIONS_DEFAULT_MODEL = 'flux';
export const POLLINATIONS_DEFAULT_TIMEOUT_MS = 300_000;

/** The gateway's error codes. */
const ERROR_CODES = new Set([
  'BAD_REQUEST', 'VALIDATION_ERROR', 'UNAUTHORIZED', 'PAYMENT_REQUIRED', 'FORBIDDEN', 'NOT_FOUND', 'RATE_LIMITED', 'INTERNAL_ERROR', 'SERVICE_UNAVAILABLE',
]);

export function createPollinationsProvider(config: PollinationsConfig): ImageProvider {
  const base = config.baseUrl ?? POLLINATIONS_DEFAULT_BASE_URL;
  const timeoutMs = config.timeoutMs ?? POLLINATIONS_DEFAULT_TIMEOUT_MS;

  return {
    name: 'pollinations',
    preview: false,
    async generate(input: GenerateInput): Promise<GeneratedImage> {
      const call = new UpstreamCall(input.signal, timeoutMs);
      const query = new URLSearchParams({
        model: config.model ?? POLLINATIONS_DEFAULT_MODEL,
        width: String(input.width),
        height: String(input.height),
        seed: String(input.seed),
        ...(input.negativePrompt ? { negative_prompt: input.negativePrompt } : {}),
        // An LLM would otherwise rewrite the prompt.
        enhance: 'false',
        private: 'true',
        nofeed: 'true',
        nologo: 'true',
        safe: String(config.safe ?? true),
      });
      // This URL holds the prompt: it is never logged or put into an error.
      const url = `${joinUrl(base, `image/${encodeURIComponent(input.prompt)}`)}?${query}`;
      const res = await call.fetch(url, { headers: { accept: 'image/*', ...bearer(config.apiKey) } });
      if (!res.ok) throw await failure(call, res);
      // Content-Disposition carries a slug of the prompt; only the bytes are read.
      return imageResult(await call.bytes(res), input.seed);
    },
  };
}

async function failure(call: UpstreamCall, res: Response): Promise<UpstreamError> {
  // Image server `{error, message, requestParameters: {prompt…}}` or gateway
  // `{success: false, error: {message, code}}`: both echo the prompt, so only codes are kept.
  const body = await call.errorBody(res);
  const code = documentedCode(field(body, 'error', 'code'), ERROR_CODES);
  if (mentionsSafety(field(body, 'message'), field(body, 'error', 'message'), field(body, 'error'))) {
    return new UpstreamError('rejected', `upstream ${res.status}${code ? ` ${code}` : ''}`);
  }
  return statusFailure(res, code);
}
