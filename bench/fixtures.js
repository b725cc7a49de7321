import sharp from 'sharp';

/** The answer of every captcha the `api` bench server issues. */
export const BENCH_ANSWER = 'ACDEH';

/** What the instant provider returns: a real image at the default size, so re-encoding costs what it costs. */
export function instantImage() {
  return sharp({ create: { width: 1024, height: 1024, channels: 3, background: '#3a6ea5' } }).webp().toBuffer();
}
