/**
 * Cloudflare Workers AI (providers.md §9): flux answers the v4 JSON envelope with a base64 JPEG,
 * SDXL-family models raw PNG bytes; failures are `{success: false, errors: [{code, message}]}`
 * (3036/3040 on 429). How it refuses a prompt is undocumented; the fake sends an NSFW message.
 */
import { jpegWithPromptMetadata, pngWithPromptChunks } from '../fixtures/images.js';
import { CANARY, FakeUpstream, isRateScenario, retryAfterHeader, sendBytes, sendJson } from './upstream.js';

export const CF_ACCOUNT = '0123456789abcdef0123456789abcdef';

export async function startCloudflareFake(options: { image?: Buffer } = {}): Promise<FakeUpstream> {
  const jpeg = options.image ?? (await jpegWithPromptMetadata(CANARY));
  const png = options.image ?? (await pngWithPromptChunks(CANARY));
  return FakeUpstream.start((seen, res, fake) => {
    const match = /^\/client\/v4\/accounts\/([0-9a-f]{32})\/ai\/run\/(@cf\/.+)$/.exec(seen.url);
    if (seen.method !== 'POST' || !match) return sendJson(res, 404, { success: false, errors: [{ code: 7003, message: 'No route' }] });
    const fail = (status: number, code: number, message: string, headers: Record<string, string> = {}) =>
      sendJson(res, status, { success: false, errors: [{ code, message }], messages: [], result: null }, headers);

    switch (fake.scenario) {
      case 'success':
        if (match[2]!.includes('flux')) return sendJson(res, 200, { result: { image: jpeg.toString('base64') }, success: true, errors: [], messages: [] });
        return sendBytes(res, 200, png, 'image/png');
      case 'safety':
        return fail(400, 3030, `AiError: Input prompt contains NSFW content: ${CANARY}`);
      case 'unauthorized':
        return fail(401, 10000, `Authentication error for ${CANARY}`);
      case 'slow':
        return fake.hold(seen);
      case 'malformed':
        return sendBytes(res, 200, Buffer.from(`{"result":{"image":"${CANARY}`), 'application/json');
      default:
        if (!isRateScenario(fake.scenario)) throw new Error(`unhandled scenario ${fake.scenario}`);
        return fail(429, 3040, `Out of capacity while drawing ${CANARY}`, retryAfterHeader(fake.scenario));
    }
  });
}
