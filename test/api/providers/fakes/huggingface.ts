/**
 * The Hugging Face router, hf-inference (providers.md §8): raw image bytes on success, JSON
 * `{error}` otherwise, 503 with `estimated_time` while a model loads. The safety checker of
 * diffusers answers an all-black picture.
 */
import { blackPng, jpegWithPromptMetadata } from '../fixtures/images.js';
import { CANARY, FakeUpstream, isRateScenario, retryAfterHeader, sendBytes, sendJson } from './upstream.js';

export const HF_PATH = '/hf-inference/models/black-forest-labs/FLUX.1-schnell';

export async function startHuggingFaceFake(options: { loading?: boolean } = {}): Promise<FakeUpstream> {
  const image = await jpegWithPromptMetadata(CANARY);
  const black = await blackPng();
  return FakeUpstream.start((seen, res, fake) => {
    if (seen.method !== 'POST' || !seen.url.startsWith('/hf-inference/models/')) return sendJson(res, 404, { error: 'Not Found' });
    if (options.loading) {
      return sendJson(res, 503, { error: `Model black-forest-labs/FLUX.1-schnell is currently loading (${CANARY})`, estimated_time: 20.5 });
    }
    switch (fake.scenario) {
      case 'success':
        return sendBytes(res, 200, image, 'image/jpeg');
      case 'safety':
        return sendBytes(res, 200, black, 'image/png');
      case 'unauthorized':
        return sendJson(res, 401, { error: `Invalid credentials in Authorization header (${CANARY})` });
      case 'slow':
        return fake.hold(seen);
      case 'malformed':
        return sendBytes(res, 200, Buffer.from(`<!doctype html><p>${CANARY}</p>`), 'image/jpeg');
      default:
        if (!isRateScenario(fake.scenario)) throw new Error(`unhandled scenario ${fake.scenario}`);
        return sendJson(res, 429, { error: `Rate limit reached for ${CANARY}` }, retryAfterHeader(fake.scenario));
    }
  });
}
