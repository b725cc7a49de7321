/**
 * POST …/images/generations as OpenAI answers it (providers.md §1), with the LocalAI 503 while a
 * model loads (§2). Success images carry a C2PA-like chunk; bodies echo the prompt the way
 * `revised_prompt` and error messages do.
 */
import { pngWithPromptChunks } from '../fixtures/images.js';
import { CANARY, CANARY_CODE, FakeUpstream, isRateScenario, retryAfterHeader, sendBytes, sendJson } from './upstream.js';

export interface OpenAIFakeOptions {
  /** The image to answer with; a 64×64 PNG with prompt chunks by default. */
  image?: Buffer;
  /** Answer with `url` instead of `b64_json`, the image served by this fake. */
  urlMode?: boolean;
  /** LocalAI's answer while a model loads, instead of a 429. */
  loading?: boolean;
}

export async function startOpenAIFake(options: OpenAIFakeOptions = {}): Promise<FakeUpstream> {
  const image = options.image ?? (await pngWithPromptChunks(CANARY));
  return FakeUpstream.start((seen, res, fake) => {
    if (seen.url === '/files/out.png') return sendBytes(res, 200, image, 'image/png');
    if (seen.method !== 'POST' || !seen.url.endsWith('/images/generations')) return sendJson(res, 404, { error: { message: 'no route' } });
    const err = (status: number, type: string, code: string | null, message: string, headers: Record<string, string> = {}) =>
      sendJson(res, status, { error: { message, type, param: null, code } }, { 'x-request-id': 'req_1', ...headers });

    switch (fake.scenario) {
      case 'success': {
        const item = options.urlMode ? { url: `${fake.url}/files/out.png` } : { b64_json: image.toString('base64') };
        return sendJson(res, 200, { created: 1, data: [{ ...item, revised_prompt: CANARY }], usage: { total_tokens: 10 } });
      }
      case 'safety':
        return err(400, 'image_generation_user_error', 'moderation_blocked', `Your request was rejected by the safety system. ${CANARY}`);
      case 'unauthorized':
        return err(401, 'invalid_request_error', 'invalid_api_key', `Incorrect API key provided for "${CANARY}"`);
      case 'slow':
        return fake.hold(seen);
      case 'echo-code':
        return err(500, CANARY_CODE, CANARY_CODE, `The server had an error while drawing ${CANARY}`);
      case 'malformed':
        return sendBytes(res, 200, Buffer.from(`{"data":[{"b64_json":"iVBOR ${CANARY}`), 'application/json');
      default:
        if (!isRateScenario(fake.scenario)) throw new Error(`unhandled scenario ${fake.scenario}`);
        if (options.loading) {
          return sendJson(res, 503, { error: { code: 503, message: `model loading for ${CANARY}`, type: '' }, loading: { state: 'loading' } }, retryAfterHeader(fake.scenario));
        }
        return err(429, 'requests', 'rate_limit_exceeded', `Rate limit reached while drawing ${CANARY}`, retryAfterHeader(fake.scenario));
    }
  });
}
