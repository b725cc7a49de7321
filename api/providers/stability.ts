/** Stability AI REST v2beta stable-image generate (core, ultra, sd3.x), sent as multipart. */
import { UpstreamCall, bearer, discard, documentedCode, field, joinUrl, mentionsSafety, statusFailure } from './http.js';
import { aspectRatioOf, imageFromBase64, imageResult } from './image-data.js';
import { UpstreamError, type GenerateInput, type GeneratedImage, type ImageProvider } from './types.js';

export interface StabilityConfig {
  apiKey: string;
  /** @default 'https://api.stability.ai' */
  baseUrl?: string;
  /** `core`, `ultra`, `sd3` or an sd3 model such as `sd3.5-large`. @default 'core' */
  model?: string;
  /** @default 120000 */
  timeoutMs?: number;
}

export const STABILITY_DEFAULT_BASE_URL = 'https://api.stability.ai';
export const STABILITY_DEFAULT_MODEL = 'core';
export const STABILITY_DEFAULT_TIMEOUT_MS = 120_000;

/** The `name`s of Stability's documented error responses. */
const ERROR_NAMES = new Set([
  'bad_request', 'invalid_parameters', 'unauthorized', 'payment_required', 'forbidden', 'content_moderation', 'not_found',
  'request_too_large', 'payload_too_large', 'unprocessable_entity', 'rate_limit_exceeded', 'too_many_requests', 'internal_error', 'server_error',
]);

export function createStabilityProvider(config: StabilityConfig): ImageProvider {
  const model = config.model ?? STABILITY_DEFAULT_MODEL;
  const isSd3 = model.startsWith('sd3');
  const url = joinUrl(config.baseUrl ?? STABILITY_DEFAULT_BASE_URL, `v2beta/stable-image/generate/${isSd3 ? 'sd3' : model}`);
  const timeoutMs = config.timeoutMs ?? STABILITY_DEFAULT_TIMEOUT_MS;

  return {
    name: 'stability',
    preview: false,
    async generate(input: GenerateInput): Promise<GeneratedImage> {
      const call = new UpstreamCall(input.signal, timeoutMs);
      // Multipart even without a file: the endpoint refuses JSON and urlencoded bodies.
      const form = new FormData();
      form.set('prompt', input.prompt);
      if (input.negativePrompt) form.set('negative_prompt', input.negativePrompt);
      form.set('aspect_ratio', aspectRatioOf(input.width, input.height));
      form.set('seed', String(input.seed));
      form.set('output_format', 'png');
      if (isSd3 && model !== 'sd3') form.set('model', model);

      const res = await call.fetch(url, { method: 'POST', headers: { accept: 'image/*', ...bearer(config.apiKey) }, body: form });
      if (!res.ok) throw await failure(call, res);
      return readImage(call, res, input.seed);
    },
  };
}

/** Raw bytes with `finish-reason`/`seed` headers, or (behind some proxies) the JSON variant. */
async function readImage(call: UpstreamCall, res: Response, askedSeed: number): Promise<GeneratedImage> {
  if (res.headers.get('content-type')?.startsWith('application/json')) {
    const body = await call.json(res);
    filtered(field(body, 'finish_reason'));
    return imageFromBase64(field(body, 'image'), seedOf(field(body, 'seed'), askedSeed));
  }
  try {
    filtered(res.headers.get('finish-reason'));
  } catch (err) {
    await discard(res);
    throw err;
  }
  return imageResult(await call.bytes(res), seedOf(res.headers.get('seed'), askedSeed));
}

/** CONTENT_FILTERED still comes as a 200, with a blurred picture: it is a refusal. */
function filtered(finishReason: unknown): void {
  if (finishReason === 'CONTENT_FILTERED') throw new UpstreamError('rejected', 'upstream 200 CONTENT_FILTERED');
}

function seedOf(value: unknown, fallback: number): number {
  const seed = Number(value);
  return value !== null && value !== '' && Number.isSafeInteger(seed) && seed >= 0 ? seed : fallback;
}

async function failure(call: UpstreamCall, res: Response): Promise<UpstreamError> {
  const body = await call.errorBody(res);
  const name = documentedCode(field(body, 'name'), ERROR_NAMES);
  if (name === 'content_moderation' || mentionsSafety(JSON.stringify(field(body, 'errors') ?? ''))) {
    return new UpstreamError('rejected', `upstream ${res.status}${name ? ` ${name}` : ''}`);
  }
  return statusFailure(res, name);
}
