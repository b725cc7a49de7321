/**
 * Cloudflare Workers AI text-to-image. flux-1-schnell answers JSON with a base64 JPEG and only
 * makes squares; the SDXL-family models take a size and answer raw PNG bytes.
 */
import { UpstreamCall, bearer, documentedCode, field, joinUrl, mentionsSafety, statusFailure } from './http.js';
import { cropToAspect, imageFromBase64, imageResult, rejectIfBlank } from './image-data.js';
import { UpstreamError, type GenerateInput, type GeneratedImage, type ImageProvider } from './types.js';

export interface CloudflareConfig {
  accountId: string;
  apiToken: string;
  /** @default 'https://api.cloudflare.com/client/v4' */
  baseUrl?: string;
  /** @default '@cf/black-forest-labs/flux-1-schnell' */
  model?: string;
  /** @default 60000 */
  timeoutMs?: number;
}

export const CLOUDFLARE_DEFAULT_BASE_URL = 'https://api.cloudflare.com/client/v4';
export const CLOUDFLARE_DEFAULT_MODEL = '@cf/black-forest-labs/flux-1-schnell';
export const CLOUDFLARE_DEFAULT_TIMEOUT_MS = 60_000;

/** Workers AI's documented error codes (developers.cloudflare.com/workers-ai/platform/errors), and the v4 API's auth ones. */
const ERROR_CODES = new Set([
  '3001', '3003', '3006', '3007', '3008', '3010', '3016', '3017', '3018', '3019', '3020', '3023', '3036', '3039', '3040', '3041', '3042',
  '5004', '5005', '5007', '5016', '5018', '7000', '7003', '9106', '10000', '10001',
]);

export function createCloudflareProvider(config: CloudflareConfig): ImageProvider {
  const model = config.model ?? CLOUDFLARE_DEFAULT_MODEL;
  const url = joinUrl(config.baseUrl ?? CLOUDFLARE_DEFAULT_BASE_URL, `accounts/${encodeURIComponent(config.accountId)}/ai/run/${model}`);
  const timeoutMs = config.timeoutMs ?? CLOUDFLARE_DEFAULT_TIMEOUT_MS;
  // flux takes prompt, steps and seed only; the others also a size and a negative prompt.
  const sized = !model.includes('flux');

  return {
    name: 'cloudflare',
    preview: false,
    async generate(input: GenerateInput): Promise<GeneratedImage> {
      const call = new UpstreamCall(input.signal, timeoutMs);
      const body = {
        prompt: input.prompt,
        seed: input.seed,
        ...(sized ? { width: input.width, height: input.height } : {}),
        ...(sized && input.negativePrompt ? { negative_prompt: input.negativePrompt } : {}),
      };
      const res = await call.fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...bearer(config.apiToken) },
        body: JSON.stringify(body),
      });
      if (!res.ok) throw await failure(call, res);
      const image = res.headers.get('content-type')?.startsWith('application/json')
        ? fromEnvelope(await call.json(res), input.seed)
        : imageResult(await call.bytes(res), input.seed);
      return rejectIfBlank(await cropToAspect(image, input.width, input.height));
    },
  };
}

function fromEnvelope(body: unknown, seed: number): GeneratedImage {
  if (field(body, 'success') === false) throw envelopeFailure(body, 'upstream 200');
  return imageFromBase64(field(body, 'result', 'image'), seed);
}

async function failure(call: UpstreamCall, res: Response): Promise<UpstreamError> {
  const body = await call.errorBody(res);
  const refused = envelopeFailure(body, `upstream ${res.status}`);
  return refused.kind === 'rejected' ? refused : statusFailure(res, documentedCode(field(body, 'errors', 0, 'code'), ERROR_CODES));
}

/** The v4 envelope `{success: false, errors: [{code, message}]}`: the code is kept, the message only read. */
function envelopeFailure(body: unknown, prefix: string): UpstreamError {
  const code = documentedCode(field(body, 'errors', 0, 'code'), ERROR_CODES);
  const detail = `${prefix}${code ? ` ${code}` : ''}`;
  return mentionsSafety(field(body, 'errors', 0, 'message')) ? new UpstreamError('rejected', detail) : new UpstreamError('error', detail);
}
