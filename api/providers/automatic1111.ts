/**
 * AUTOMATIC1111 web UI API (also Forge and SD.Next): POST /sdapi/v1/txt2img blocks until the
 * image is done, so progress comes from polling /sdapi/v1/progress on a second connection.
 */
import { UpstreamCall, discard, documentedCode, field, joinUrl, delayUnlessAborted, statusFailure } from './http.js';
import { imageFromBase64, progressReporter, rejectIfBlank } from './image-data.js';
import type { GenerateInput, GeneratedImage, ImageProvider } from './types.js';

export interface Automatic1111Config {
  /** @default 'http://127.0.0.1:7860' */
  baseUrl?: string;
  /** `user:password` when the UI runs with `--api-auth`. */
  auth?: string;
  /** Checkpoint to switch to (override_settings.sd_model_checkpoint); the loaded one otherwise. */
  model?: string;
  /** @default 25 */
  steps?: number;
  /** e.g. `Euler a`, `DPM++ 2M`; the UI's default otherwise. */
  sampler?: string;
  /** Local GPUs are slow and the UI runs one job at a time. @default 300000 */
  timeoutMs?: number;
  /** @default 1000 */
  progressIntervalMs?: number;
}

export const A1111_DEFAULT_BASE_URL = 'http://127.0.0.1:7860';
export const A1111_DEFAULT_STEPS = 25;
export const A1111_DEFAULT_TIMEOUT_MS = 300_000;

/** Exception names the web UI's API answers with (its handler sends the class name as `error`). */
const EXCEPTION_NAMES = new Set([
  'HTTPException', 'RequestValidationError', 'OutOfMemoryError', 'RuntimeError', 'ValueError', 'KeyError', 'TypeError', 'IndexError',
  'AttributeError', 'AssertionError', 'FileNotFoundError', 'NotImplementedError', 'Exception',
]);

export function createAutomatic1111Provider(config: Automatic1111Config): ImageProvider {
  const base = config.baseUrl ?? A1111_DEFAULT_BASE_URL;
  const headers: Record<string, string> = config.auth ? { authorization: `Basic ${Buffer.from(config.auth).toString('base64')}` } : {};
  const timeoutMs = config.timeoutMs ?? A1111_DEFAULT_TIMEOUT_MS;
  const progressIntervalMs = config.progressIntervalMs ?? 1000;

  return {
    name: 'automatic1111',
    preview: false,
    async generate(input: GenerateInput): Promise<GeneratedImage> {
      const call = new UpstreamCall(input.signal, timeoutMs);
      const body = {
        prompt: input.prompt,
        negative_prompt: input.negativePrompt ?? '',
        width: input.width,
        height: input.height,
        seed: input.seed,
        steps: config.steps ?? A1111_DEFAULT_STEPS,
        ...(config.sampler ? { sampler_name: config.sampler } : {}),
        batch_size: 1,
        n_iter: 1,
        send_images: true,
        // Nothing of the visitor's stays on the upstream's disk.
        save_images: false,
        ...(config.model ? { override_settings: { sd_model_checkpoint: config.model }, override_settings_restore_afterwards: true } : {}),
      };
      const stopProgress = input.onProgress
        ? watchProgress(call, joinUrl(base, 'sdapi/v1/progress?skip_current_image=true'), headers, progressIntervalMs, input.onProgress)
        : () => undefined;
      try {
        const res = await call.fetch(joinUrl(base, 'sdapi/v1/txt2img'), {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify(body),
        });
        if (!res.ok) throw await failure(call, res);
        // `parameters` and `info` echo the prompt: only `images` is read.
        const image = imageFromBase64(field(await call.json(res), 'images', 0), input.seed);
        return await rejectIfBlank(image);
      } finally {
        stopProgress();
      }
    },
  };
}

/**
 * Polls /progress until stopped. It is best effort: a failed poll is skipped, never fatal. The UI
 * reports its current job, which is ours once earlier queued jobs are done.
 */
function watchProgress(
  call: UpstreamCall,
  url: string,
  headers: Record<string, string>,
  intervalMs: number,
  onProgress: (percent: number) => void,
): () => void {
  const stop = new AbortController();
  const signal = AbortSignal.any([call.signal, stop.signal]);
  const report = progressReporter(onProgress);
  void (async () => {
    while (!signal.aborted) {
      await delayUnlessAborted(intervalMs, signal);
      if (signal.aborted) break;
      try {
        const res = await fetch(url, { headers, signal });
        if (!res.ok) {
          await discard(res);
          continue;
        }
        const progress = Number(field(await res.json(), 'progress'));
        // 0 also means "idle" between jobs; only movement is news.
        if (progress > 0) report(progress);
      } catch {
        // Stopped, or one poll failed: the next one may work.
      }
    }
  })();
  return () => stop.abort();
}

async function failure(call: UpstreamCall, res: Response) {
  // `{error: <ExceptionName>, detail, body, errors}`: the exception name is safe, the rest is not.
  return statusFailure(res, documentedCode(field(await call.errorBody(res), 'error'), EXCEPTION_NAMES));
}
