/**
 * What adapters do with the image an upstream returned, before the generation route re-encodes
 * it: recognise it as an image, decode base64, spot safety-blanked pictures, report progress.
 */
import { IMAGE_SIZES, type AspectRatio } from '../../sdk/types.js';
import { fetchOutput, type DownloadRules } from './download.js';
import { UpstreamCall, discard, statusFailure } from './http.js';
import { UpstreamError, type GeneratedImage } from './types.js';
import { decodeUpstream, upstreamImageSize } from './upstream-image.js';

/** The mime type from the magic bytes; upstream content-type headers are not trusted. */
function sniffImageType(bytes: Uint8Array): string | undefined {
  const starts = (sig: number[], at = 0) => sig.every((b, i) => bytes[at + i] === b);
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (starts([0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (starts([0x52, 0x49, 0x46, 0x46]) && starts([0x57, 0x45, 0x42, 0x50], 8)) return 'image/webp';
  return undefined;
}

/** Wraps upstream bytes as a GeneratedImage, or fails with 'bad_output' when they are no image. */
export function imageResult(bytes: Uint8Array, seed: number): GeneratedImage {
  const mimeType = sniffImageType(bytes);
  if (!mimeType) throw new UpstreamError('bad_output', 'upstream sent something that is not an image');
  return { bytes, mimeType, seed };
}

/** Base64 (optionally a data: URI) to an image; 'bad_output' for anything else. */
export function imageFromBase64(value: unknown, seed: number): GeneratedImage {
  if (typeof value !== 'string' || value.length === 0) {
    throw new UpstreamError('bad_output', 'upstream answer holds no base64 image');
  }
  const b64 = value.startsWith('data:') ? value.slice(value.indexOf(',') + 1) : value;
  if (!/^[A-Za-z0-9+/=_\-\s]+$/.test(b64)) throw new UpstreamError('bad_output', 'upstream image is not base64');
  return imageResult(Buffer.from(b64, 'base64'), seed);
}

/**
 * Fetches an output URL an upstream handed back (Replicate, OpenAI-compatible servers in URL
 * mode), only where `rules` allow (see download.ts). No credentials go with it: it usually lives
 * on another host (a CDN or bucket).
 */
export async function downloadImage(call: UpstreamCall, url: unknown, seed: number, rules: DownloadRules): Promise<GeneratedImage> {
  if (typeof url === 'string' && url.startsWith('data:')) return imageFromBase64(url, seed);
  let parsed: URL;
  try {
    parsed = new URL(String(url));
  } catch {
    throw new UpstreamError('bad_output', 'upstream output URL is not a URL');
  }
  const res = await fetchOutput(call, parsed, rules);
  if (!res.ok) {
    await discard(res);
    throw statusFailure(res, 'output download');
  }
  return imageResult(await call.bytes(res), seed);
}

/**
 * Safety checkers of diffusers pipelines (AUTOMATIC1111, ComfyUI nodes, Hugging Face, Together)
 * answer "success" with an all-black picture. Treat it as the refusal it is.
 */
export async function rejectIfBlank(image: GeneratedImage): Promise<GeneratedImage> {
  await upstreamImageSize(image.bytes);
  let max: number;
  try {
    const { channels } = await decodeUpstream(image.bytes).stats();
    max = Math.max(...channels.map((c) => c.max));
  } catch {
    throw new UpstreamError('bad_output', 'upstream image does not decode');
  }
  if (max <= 2) throw new UpstreamError('rejected', 'upstream returned a blanked (all-black) image');
  return image;
}

/** The aspect ratio name of one of our sizes, or the nearest one for any other size. */
export function aspectRatioOf(width: number, height: number): AspectRatio {
  const want = Math.log(width / height);
  let best: AspectRatio = '1:1';
  for (const [name, size] of Object.entries(IMAGE_SIZES) as [AspectRatio, { width: number; height: number }][]) {
    const diff = Math.abs(Math.log(size.width / size.height) - want);
    if (diff < Math.abs(Math.log(IMAGE_SIZES[best].width / IMAGE_SIZES[best].height) - want)) best = name;
  }
  return best;
}

/**
 * Wraps the optional listener: whole percents, clamped, never going backwards, and a throwing
 * listener cannot break the generation.
 */
export function progressReporter(onProgress: ((percent: number) => void) | undefined): (fraction: number) => void {
  let last = -1;
  return (fraction) => {
    if (!onProgress || !Number.isFinite(fraction)) return;
    const percent = Math.min(100, Math.max(0, Math.round(fraction * 100)));
    if (percent <= last) return;
    last = percent;
    try {
      onProgress(percent);
    } catch {
      // A broken progress listener must not cost the visitor the image.
    }
  };
}

/**
 * Centre-crops to the asked aspect ratio, for upstreams that only make a few shapes (GPT image
 * models: three sizes; Cloudflare's flux: squares). Lossless PNG, so the route's re-encode stays
 * the only lossy step. Images already close to the ratio pass through untouched.
 */
export async function cropToAspect(image: GeneratedImage, width: number, height: number): Promise<GeneratedImage> {
  const meta = await upstreamImageSize(image.bytes);
  const want = width / height;
  if (Math.abs(meta.width / meta.height - want) / want <= 0.01) return image;
  const cropWidth = Math.min(meta.width, Math.round(meta.height * want));
  const cropHeight = Math.min(meta.height, Math.round(meta.width / want));
  const bytes = await decodeUpstream(image.bytes)
    .extract({
      left: Math.floor((meta.width - cropWidth) / 2),
      top: Math.floor((meta.height - cropHeight) / 2),
      width: cropWidth,
      height: cropHeight,
    })
    .png({ compressionLevel: 1 })
    .toBuffer();
  return { bytes, mimeType: 'image/png', seed: image.seed };
}
