/**
 * Pollinations (providers.md §5): GET /image/{prompt}?… answers a JPEG whose EXIF UserComment and
 * Content-Disposition filename quote the prompt; errors echo it in `requestParameters`. With
 * safe=true an NSFW result is a 500.
 */
import { jpegWithPromptMetadata } from '../fixtures/images.js';
import { CANARY, FakeUpstream, isRateScenario, retryAfterHeader, sendBytes, sendJson } from './upstream.js';

export async function startPollinationsFake(): Promise<FakeUpstream> {
  const image = await jpegWithPromptMetadata(CANARY);
  return FakeUpstream.start((seen, res, fake) => {
    const url = new URL(seen.url, 'http://fake');
    if (seen.method !== 'GET' || !url.pathname.startsWith('/image/')) return sendJson(res, 404, { error: 'Not Found' });
    const prompt = decodeURIComponent(url.pathname.slice('/image/'.length));
    const gateway = (status: number, code: string, headers: Record<string, string> = {}) =>
      sendJson(res, status, { success: false, error: { message: `${code} for ${prompt}`, code, timestamp: '2026-09-01T00:00:00Z' }, status }, headers);

    switch (fake.scenario) {
      case 'success':
        return sendBytes(res, 200, image, 'image/jpeg', {
          'content-disposition': `inline; filename="${prompt.slice(0, 100).replace(/\W+/g, '_')}.jpg"`,
          'cache-control': 'public, max-age=31536000, immutable',
        });
      case 'safety':
        return sendJson(res, 500, {
          error: 'Internal Server Error',
          message: 'NSFW content detected. This request cannot be fulfilled when safe mode is enabled.',
          requestParameters: { prompt, safe: true },
        }, { 'x-error-type': 'Internal Server Error' });
      case 'unauthorized':
        return gateway(401, 'UNAUTHORIZED');
      case 'slow':
        return fake.hold(seen);
      case 'malformed':
        return sendBytes(res, 200, Buffer.from(`<html>${prompt}</html>`), 'image/jpeg');
      default:
        if (!isRateScenario(fake.scenario)) throw new Error(`unhandled scenario ${fake.scenario}`);
        return gateway(429, 'RATE_LIMITED', retryAfterHeader(fake.scenario));
    }
  });
}
