/**
 * The one way upstream image bytes are decoded. An upstream can send a decompression bomb (a 1 MB
 * PNG that declares 16000×16000 pixels decodes to 768 MB), so every decode refuses images over
 * one pixel limit, read from the header before any pixel is decoded.
 */
import sharp, { type Metadata, type Sharp } from 'sharp';
import { UpstreamError } from './types.js';

/** The largest accepted upstream image (a 4K picture is 8.3 MP) is well under this. */
export const MAX_INPUT_PIXELS = 40_000_000;

// libvips decodes images over VIPS_DISC_THRESHOLD (100 MB) that need random access into a temp
// file, which stays open (deleted) after the request. Under the pixel limit a decode fits in
// memory, so the threshold is raised past it: libvips never writes to disk. It is read once, at
// the first decode in the process, hence at import time.
process.env.VIPS_DISC_THRESHOLD = '64g';
// Keep no decoded pictures (or their prompt-bearing metadata) in libvips's operation cache.
sharp.cache(false);

/** A sharp pipeline over upstream bytes, with the pixel limit. */
export function decodeUpstream(bytes: Uint8Array): Sharp {
  return sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS });
}

/** The header's size, refusing ('bad_output') what is no image or is over the pixel limit. */
export async function upstreamImageSize(bytes: Uint8Array): Promise<{ width: number; height: number }> {
  let meta: Metadata;
  try {
    meta = await decodeUpstream(bytes).metadata();
  } catch (cause) {
    throw new UpstreamError('bad_output', 'upstream body is not a decodable image within the pixel limit', { cause });
  }
  const { width, height } = meta;
  if (!width || !height) throw new UpstreamError('bad_output', 'upstream image has no dimensions');
  // Animated images decode every page: count them all.
  if (width * height * (meta.pages ?? 1) > MAX_INPUT_PIXELS) throw new UpstreamError('bad_output', 'upstream image over the pixel limit');
  return { width, height };
}
