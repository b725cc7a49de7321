/**
 * Replicate predictions: create with `Prefer: wait`, poll when the model is not done in time,
 * download the output URL. Progress comes from the tqdm lines in `logs`.
 */
import { downloadRules, type DownloadRules } from './download.js';
import { UpstreamCall, bearer, discard, field, joinUrl, mentionsSafety, upstreamRetryAfterSeconds, safeToken, statusFailure } from './http.js';
import { aspectRatioOf, cropToAspect, downloadImage, progressReporter } from './image-data.js';
import { UpstreamError, type GenerateInput, type GeneratedImage, type ImageProvider } from './types.js';

export interface ReplicateConfig {
  apiToken: string;
  /** @default 'https://api.replicate.com/v1' */
  baseUrl?: string;
  /** An official model `owner/name`, or any version `owner/name:version`. @default 'black-forest-labs/flux-schnell' */
  model?: string;
  /** @default 180000 (cold starts outlast the 60 s sync wait) */
  timeoutMs?: number;
  /** @default 1000 */
  pollIntervalMs?: number;
  /** Hosts beyond replicate.delivery that may serve output URLs (PROVIDER_DOWNLOAD_HOSTS). */
  downloadHosts?: string[];
}

export const REPLICATE_DEFAULT_BASE_URL = 'https://api.replicate.com/v1';
export const REPLICATE_DEFAULT_MODEL = 'black-forest-labs/flux-schnell';
export const REPLICATE_DEFAULT_TIMEOUT_MS = 180_000;
/** Where Replicate serves prediction outputs, besides the API's own origin (its files API). */
export const REPLICATE_DOWNLOAD_HOSTS = ['replicate.delivery', '*.replicate.delivery'];
/** Replicate holds a `Prefer: wait` request at most this long. */
const MAX_SYNC_WAIT_SECONDS = 60;
const CANCEL_TIMEOUT_MS = 5000;
const TERMINAL = new Set(['succeeded', 'failed', 'canceled']);
/** tqdm's ` 45%|████▌     | 9/20 [00:01<00:02, …]`, as Replicate's own client reads it. */
const TQDM = /^\s*(\d+)%\s*\|.+?\|\s*(\d+)\/(\d+)/;

export function createReplicateProvider(config: ReplicateConfig): ImageProvider {
  const base = config.baseUrl ?? REPLICATE_DEFAULT_BASE_URL;
  const model = config.model ?? REPLICATE_DEFAULT_MODEL;
  const [name, version] = model.split(':') as [string, string | undefined];
  const createUrl = version ? joinUrl(base, 'predictions') : joinUrl(base, `models/${name}/predictions`);
  const timeoutMs = config.timeoutMs ?? REPLICATE_DEFAULT_TIMEOUT_MS;
  const pollIntervalMs = config.pollIntervalMs ?? 1000;
  const auth = bearer(config.apiToken);
  const downloads = downloadRules(base, REPLICATE_DOWNLOAD_HOSTS, config.downloadHosts);
  const syncWait = Math.max(1, Math.min(MAX_SYNC_WAIT_SECONDS, Math.floor(timeoutMs / 1000)));

  return {
    name: 'replicate',
    preview: false,
    async generate(input: GenerateInput): Promise<GeneratedImage> {
      const call = new UpstreamCall(input.signal, timeoutMs);
      const progress = progressReporter(input.onProgress);
      const body = {
        ...(version ? { version } : {}),
        input: { prompt: input.prompt, aspect_ratio: aspectRatioOf(input.width, input.height), seed: input.seed, num_outputs: 1, output_format: 'png' },
      };
      const res = await call.fetch(createUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', prefer: `wait=${syncWait}`, ...auth },
        body: JSON.stringify(body),
      });
      if (!res.ok) {
        await discard(res);
        throw statusFailure(res);
      }
      let prediction = await call.json(res);
      const id = safeToken(field(prediction, 'id'));
      if (!id) throw new UpstreamError('bad_output', 'upstream prediction has no id');

      try {
        for (;;) {
          progress(tqdmFraction(field(prediction, 'logs')));
          const status = field(prediction, 'status');
          if (typeof status === 'string' && TERMINAL.has(status)) {
            // Models without `aspect_ratio` (SDXL and co.) ignore it and draw their default square.
            return await cropToAspect(await finish(call, prediction, status, input.seed, downloads), input.width, input.height);
          }
          await call.sleepOrThrow(pollIntervalMs);
          prediction = await poll(call, joinUrl(base, `predictions/${id}`), auth, pollIntervalMs);
        }
      } catch (err) {
        // Nobody will read the result: stop paying for it.
        if (call.signal.aborted) void cancel(joinUrl(base, `predictions/${id}/cancel`), auth);
        throw err;
      }
    },
  };
}

/** One poll. 429 and 5xx on a GET are passing trouble: wait (Retry-After if given) and ask again. */
async function poll(call: UpstreamCall, url: string, auth: Record<string, string>, pollIntervalMs: number): Promise<unknown> {
  for (;;) {
    const res = await call.fetch(url, { headers: auth });
    if (res.ok) return call.json(res);
    await discard(res);
    if (res.status !== 429 && res.status < 500) throw statusFailure(res);
    await call.sleepOrThrow((upstreamRetryAfterSeconds(res.headers) ?? 0) * 1000 || pollIntervalMs);
  }
}

async function finish(call: UpstreamCall, prediction: unknown, status: string, seed: number, downloads: DownloadRules): Promise<GeneratedImage> {
  if (status === 'succeeded') {
    const output = field(prediction, 'output');
    return downloadImage(call, Array.isArray(output) ? output[0] : output, seed, downloads);
  }
  // The cog convention: `failed` with "NSFW content detected…". The text is read, never kept.
  if (status === 'failed' && mentionsSafety(field(prediction, 'error'))) {
    throw new UpstreamError('rejected', 'upstream prediction failed: NSFW');
  }
  throw new UpstreamError('error', `upstream prediction ${status}`);
}

/** The last tqdm line of the logs as a fraction; NaN when there is none. */
export function tqdmFraction(logs: unknown): number {
  if (typeof logs !== 'string') return NaN;
  // Replicate's logs keep tqdm's carriage-return redraws: every `\r` starts a new state.
  const lines = logs.split(/[\r\n]+/).reverse();
  for (const line of lines) {
    const match = TQDM.exec(line);
    if (match) return Number(match[2]) / Number(match[3]);
  }
  return NaN;
}

/** Best effort, on its own short deadline: the call's signal has already fired. */
async function cancel(url: string, auth: Record<string, string>): Promise<void> {
  try {
    const res = await fetch(url, { method: 'POST', headers: auth, signal: AbortSignal.timeout(CANCEL_TIMEOUT_MS) });
    await discard(res);
  } catch {
    // The prediction will end on its own; nothing more to do.
  }
}
