/**
 * OpenAI Images API (GPT image models), and the OpenAI-compatible servers that differ from it in
 * field names, size fields and response selectors: Together, LocalAI, DeepInfra.
 */
import { downloadRules } from './download.js';
import { UpstreamCall, bearer, documentedCode, field, joinUrl, mentionsSafety, statusFailure } from './http.js';
import { cropToAspect, downloadImage, imageFromBase64, rejectIfBlank } from './image-data.js';
import { UpstreamError, type GenerateInput, type GeneratedImage, type ImageProvider } from './types.js';

export const OPENAI_FLAVORS = ['openai', 'together', 'localai', 'deepinfra'] as const;
export type OpenAIFlavor = (typeof OPENAI_FLAVORS)[number];

export interface OpenAIConfig {
  /** Bearer key; optional only for LocalAI started without keys. */
  apiKey?: string;
  /** @default 'openai' */
  flavor?: OpenAIFlavor;
  /** @default the flavor's public endpoint (see OPENAI_BASE_URLS) */
  baseUrl?: string;
  /** Always sent: OpenAI falls back to dall-e-2 without it. @default 'gpt-image-1' (openai flavor only) */
  model?: string;
  /** GPT image models only: low | medium | high | auto. */
  quality?: string;
  /** Whole-call timeout. GPT image models can take minutes at high quality. @default 300000 */
  timeoutMs?: number;
  /** Hosts beyond the flavor's own that may serve output URLs (PROVIDER_DOWNLOAD_HOSTS). */
  downloadHosts?: string[];
}

export const OPENAI_DEFAULT_MODEL = 'gpt-image-1';
export const OPENAI_DEFAULT_TIMEOUT_MS = 300_000;
export const OPENAI_BASE_URLS: Record<OpenAIFlavor, string> = {
  openai: 'https://api.openai.com/v1',
  together: 'https://api.together.ai/v1',
  localai: 'http://127.0.0.1:8080/v1',
  deepinfra: 'https://api.deepinfra.com/v1/openai',
};

/**
 * Where each flavor's output URLs live, besides the base URL's origin (LocalAI's
 * /generated-images). We ask for base64 everywhere; these only matter for relays that answer URLs.
 */
export const OPENAI_DOWNLOAD_HOSTS: Record<OpenAIFlavor, string[]> = {
  openai: ['oaidalleapiprodscus.blob.core.windows.net'],
  together: ['api.together.ai', 'api.together.xyz'],
  localai: [],
  deepinfra: ['api.deepinfra.com'],
};

/**
 * The error codes and types OpenAI and the compatible servers document (LocalAI sends the HTTP
 * status as its code); any other value is logged as undocumented.
 */
const ERROR_CODES = new Set([
  'moderation_blocked', 'content_policy_violation', 'invalid_api_key', 'rate_limit_exceeded', 'insufficient_quota',
  'billing_hard_limit_reached', 'model_not_found', 'invalid_value', 'unsupported_value', 'invalid_request_error', 'server_error',
  '400', '401', '403', '404', '422', '429', '500', '503',
]);
const ERROR_TYPES = new Set([
  'invalid_request_error', 'image_generation_user_error', 'authentication_error', 'permission_error', 'rate_limit_error',
  'requests', 'tokens', 'insufficient_quota', 'quota_exceeded', 'server_error', 'api_error', 'not_found_error',
]);

/** OpenAI's own safety codes: GPT image models, then the dall-e-3 one some relays still send. */
const SAFETY_CODES = new Set(['moderation_blocked', 'content_policy_violation']);

type BodyBuilder = (input: GenerateInput, model: string, quality: string | undefined) => Record<string, unknown>;

const BODIES: Record<OpenAIFlavor, BodyBuilder> = {
  // GPT image models always answer base64 and refuse `response_format`.
  openai: (input, model, quality) => ({
    model,
    prompt: input.prompt,
    n: 1,
    size: gptImageSize(model, input.width, input.height),
    output_format: 'png',
    ...(quality ? { quality } : {}),
  }),
  // Together: pixel fields instead of `size`, and `base64` (not `b64_json`) as the selector.
  together: (input, model) => ({
    model,
    prompt: input.prompt,
    n: 1,
    width: input.width,
    height: input.height,
    seed: input.seed,
    ...(input.negativePrompt ? { negative_prompt: input.negativePrompt } : {}),
    response_format: 'base64',
    output_format: 'png',
  }),
  // LocalAI: the negative prompt rides after a `|`; URL mode would leave a public file behind.
  localai: (input, model) => ({
    model,
    prompt: input.negativePrompt ? `${input.prompt}|${input.negativePrompt}` : input.prompt,
    n: 1,
    size: `${input.width}x${input.height}`,
    response_format: 'b64_json',
  }),
  // DeepInfra answers base64 by default.
  deepinfra: (input, model) => ({ model, prompt: input.prompt, n: 1, size: `${input.width}x${input.height}` }),
};

export function createOpenAIProvider(config: OpenAIConfig): ImageProvider {
  const flavor = config.flavor ?? 'openai';
  const model = config.model ?? OPENAI_DEFAULT_MODEL;
  const base = config.baseUrl ?? OPENAI_BASE_URLS[flavor];
  const url = joinUrl(base, 'images/generations');
  const downloads = downloadRules(base, OPENAI_DOWNLOAD_HOSTS[flavor], config.downloadHosts);
  const timeoutMs = config.timeoutMs ?? OPENAI_DEFAULT_TIMEOUT_MS;

  return {
    name: 'openai',
    preview: false,
    async generate(input: GenerateInput): Promise<GeneratedImage> {
      const call = new UpstreamCall(input.signal, timeoutMs);
      const res = await call.fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...bearer(config.apiKey) },
        body: JSON.stringify(BODIES[flavor](input, model, config.quality)),
      });
      if (!res.ok) throw await failure(call, res, flavor);
      // Only the image is read: `revised_prompt` (DeepInfra, dall-e-3) stays in the discarded body.
      const first = field(await call.json(res), 'data', 0);
      const b64 = field(first, 'b64_json');
      const image = typeof b64 === 'string'
        ? imageFromBase64(b64, input.seed)
        : field(first, 'url') !== undefined
          ? await downloadImage(call, field(first, 'url'), input.seed, downloads)
          : failNoImage();
      if (flavor === 'openai') return cropToAspect(image, input.width, input.height);
      // Together and self-hosted diffusers blank refused images instead of failing.
      return rejectIfBlank(image);
    },
  };
}

/** GPT image models take three sizes; gpt-image-2 takes any WxH with sides divisible by 16. */
function gptImageSize(model: string, width: number, height: number): string {
  if (model.startsWith('gpt-image-2') && width % 16 === 0 && height % 16 === 0) return `${width}x${height}`;
  if (width > height) return '1536x1024';
  if (width < height) return '1024x1536';
  return '1024x1024';
}

async function failure(call: UpstreamCall, res: Response, flavor: OpenAIFlavor): Promise<UpstreamError> {
  const body = await call.errorBody(res);
  const code = documentedCode(field(body, 'error', 'code'), ERROR_CODES);
  const type = documentedCode(field(body, 'error', 'type'), ERROR_TYPES);
  // OpenAI has a `moderation` request parameter, so only its codes count there; the others
  // document no safety shape, so their message is inspected (never kept).
  const refused = SAFETY_CODES.has(code ?? '') || (flavor !== 'openai' && mentionsSafety(field(body, 'error', 'message'), field(body, 'error')));
  if (refused) return new UpstreamError('rejected', `upstream ${res.status}${code ? ` ${code}` : ''}`);
  return statusFailure(res, code ?? type);
}

function failNoImage(): never {
  throw new UpstreamError('bad_output', 'upstream answer holds no image');
}
