import sharp from 'sharp';
import { UpstreamError } from '../providers/types.js';
import { decodeUpstream, upstreamImageSize } from '../providers/upstream-image.js';

export type OutputFormat = 'webp' | 'png';

/** Upstreams round sizes to their own grid; beyond this the picture is not what was asked for. */
const ASPECT_TOLERANCE = 0.03;

/**
 * Decodes whatever an upstream sent and re-encodes only its pixels at the requested size.
 * sharp writes no metadata unless asked, so EXIF, XMP, ICC, PNG text chunks and C2PA
 * manifests (where several services put the prompt) cannot survive.
 */
export async function normalizeImage(
  bytes: Uint8Array,
  target: { width: number; height: number; format: OutputFormat },
): Promise<{ bytes: Buffer; mimeType: 'image/webp' | 'image/png' }> {
  const { width, height } = await upstreamImageSize(bytes);
  const asked = target.width / target.height;
  if (Math.abs(width / height - asked) / asked > ASPECT_TOLERANCE) {
    throw new UpstreamError('bad_output', `upstream image is ${width}x${height}, asked ${target.width}x${target.height}`);
  }
  try {
    // Through raw pixels: libvips carries the upstream's resolution (PNG pHYs) into the output otherwise.
    const { data, info } = await decodeUpstream(bytes)
      .rotate()
      .resize(target.width, target.height, { fit: 'cover' })
      .raw()
      .toBuffer({ resolveWithObject: true });
    const pipeline = sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } });
    return target.format === 'png'
      ? { bytes: await pipeline.png({ compressionLevel: 9 }).toBuffer(), mimeType: 'image/png' }
      : { bytes: await pipeline.webp({ quality: 88 }).toBuffer(), mimeType: 'image/webp' };
  } catch (cause) {
    throw new UpstreamError('bad_output', 'upstream image could not be re-encoded', { cause });
  }
}
