/**
 * How the SDK is meant to be used; `tsc` must accept all of it (test/sdk/types.test.ts).
 * Nothing here runs.
 */
import {
  DEFAULT_ASPECT_RATIO,
  ERROR_CODES,
  IMAGE_SIZES,
  Imageka,
  TimeoutError,
  isAPIError,
  isCaptchaError,
  isRateLimitError,
  type AspectRatio,
  type CaptchaFailure,
  type CaptchaResponse,
  type ErrorCode,
  type GenerateEvent,
  type GenerateProgress,
  type GenerateQueued,
  type GenerateRequest,
  type GenerateResponse,
  type HealthResponse,
  type ImageSize,
  type ImagekaOptions,
} from '../../../sdk/index.js';

const options: ImagekaOptions = {
  baseUrl: new URL('https://imageka.example'),
  fetch: globalThis.fetch,
  timeout: 10_000,
  generateTimeout: 120_000,
  maxRetries: 0,
  maxRetryDelay: 5_000,
};
const client = new Imageka(options);
const minimal = new Imageka({ baseUrl: 'https://imageka.example' });

export async function flow(prompt: string, answer: string): Promise<string> {
  const captcha: CaptchaResponse = await client.captcha({ timeout: 5_000 });
  const expiresAt: Date = new Date(captcha.expiresAt);
  const audio: Blob = await client.captchaAudio({ signal: AbortSignal.timeout(10_000) });
  const ratio: AspectRatio = DEFAULT_ASPECT_RATIO;
  const request: GenerateRequest = { prompt, captcha: answer, ...IMAGE_SIZES[ratio], seed: 7, negativePrompt: 'blur' };
  const image: GenerateResponse = await client.generate(request, {
    signal: new AbortController().signal,
    onProgress: (progress: GenerateProgress) => progress.percent ?? progress.elapsedMs,
    onQueued: (queued: GenerateQueued) => queued.position,
  });
  const plain = await minimal.generate({ prompt, captcha: answer });
  const wide: ImageSize = { width: 1280, height: 720 };
  await minimal.generate({ prompt, captcha: answer, width: 832, height: 1248 });
  await minimal.generate({ prompt, captcha: answer, ...wide });
  const health: HealthResponse = await client.health();
  return `${expiresAt.toISOString()} ${audio.type} ${image.image} ${plain.provider.preview} ${health.ready}`;
}

export async function stream(request: GenerateRequest): Promise<GenerateResponse | undefined> {
  for await (const event of client.generateStream(request, { timeout: 60_000 })) {
    const typed: GenerateEvent = event;
    if (typed.type === 'progress') {
      const percent: number | undefined = typed.data.percent;
      void percent;
    } else if (typed.type === 'queued') {
      const position: number = typed.data.position;
      void position;
    } else {
      const seed: number = typed.data.seed;
      void seed;
      return typed.data;
    }
  }
  return undefined;
}

export function explain(error: unknown): string {
  if (isRateLimitError(error)) return `wait ${error.retryAfter ?? 60} s (${error.requestId ?? 'no id'})`;
  if (isCaptchaError(error)) {
    const reason: CaptchaFailure = error.reason;
    return reason === 'expired' ? 'new captcha' : `captcha ${reason}`;
  }
  if (error instanceof TimeoutError) return `slower than ${error.timeout} ms`;
  if (isAPIError(error)) {
    const code: ErrorCode | undefined = error.code;
    return `${error.status} ${code ?? 'unknown'}: ${error.message} ${error.headers.get('retry-after') ?? ''}`;
  }
  return 'unknown';
}

export function label(code: ErrorCode): string {
  switch (code) {
    case 'captcha_missing':
    case 'captcha_wrong':
    case 'captcha_expired':
      return 'captcha';
    default:
      return ERROR_CODES.includes(code) ? code : 'never';
  }
}
