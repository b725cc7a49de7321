/** Hugging Face Inference Providers router, hf-inference text-to-image: JSON in, raw image out. */
import { UpstreamCall, bearer, clampRetry, field, joinUrl, mentionsSafety, statusFailure } from './http.js';
import { imageResult, rejectIfBlank } from './image-data.js';
import { UpstreamError, type GenerateInput, type GeneratedImage, type ImageProvider } from './types.js';

export interface HuggingFaceConfig {
  apiToken: string;
  /** @default 'https://router.huggingface.co/hf-inference/models' */
  baseUrl?: string;
  /** @default 'black-forest-labs/FLUX.1-schnell' */
  model?: string;
  /** @default 120000 */
  timeoutMs?: number;
}

export const HF_DEFAULT_BASE_URL = 'https://router.huggingface.co/hf-inference/models';
export const HF_DEFAULT_MODEL = 'black-forest-labs/FLUX.1-schnell';
export const HF_DEFAULT_TIMEOUT_MS = 120_000;

export function createHuggingFaceProvider(config: HuggingFaceConfig): ImageProvider {
  const url = joinUrl(config.baseUrl ?? HF_DEFAULT_BASE_URL, config.model ?? HF_DEFAULT_MODEL);
  const timeoutMs = config.timeoutMs ?? HF_DEFAULT_TIMEOUT_MS;

  return {
    name: 'huggingface',
    preview: false,
    async generate(input: GenerateInput): Promise<GeneratedImage> {
      const call = new UpstreamCall(input.signal, timeoutMs);
      const parameters = {
        width: input.width,
        height: input.height,
        seed: input.seed,
        ...(input.negativePrompt ? { negative_prompt: input.negativePrompt } : {}),
      };
      const res = await call.fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'image/*', ...bearer(config.apiToken) },
        body: JSON.stringify({ inputs: input.prompt, parameters }),
      });
      if (!res.ok) throw await failure(call, res);
      // diffusers pipelines with a safety checker answer a black picture.
      return rejectIfBlank(imageResult(await call.bytes(res), input.seed));
    },
  };
}

async function failure(call: UpstreamCall, res: Response): Promise<UpstreamError> {
  // `{error: string}`, `{error: {message}}` or `{detail}`: read to classify, never kept.
  const body = await call.errorBody(res);
  if (mentionsSafety(field(body, 'error'), field(body, 'error', 'message'), field(body, 'detail'))) {
    return new UpstreamError('rejected', `upstream ${res.status}`);
  }
  // While a model loads, the body estimates the wait in seconds.
  const estimate = Number(field(body, 'estimated_time'));
  return statusFailure(res, undefined, Number.isFinite(estimate) && estimate > 0 ? clampRetry(estimate) : undefined);
}
