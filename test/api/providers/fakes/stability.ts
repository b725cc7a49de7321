/**
 * POST /v2beta/stable-image/generate/{core|ultra|sd3} as Stability answers it (providers.md §3):
 * multipart in, raw bytes with `finish-reason` and `seed` headers out, a blurred 200 with
 * CONTENT_FILTERED on a refused prompt, `{id, name, errors}` on failures.
 */
import { plainPng, pngWithPromptChunks } from '../fixtures/images.js';
import { CANARY, FakeUpstream, isRateScenario, retryAfterHeader, sendBytes, sendJson, type Seen } from './upstream.js';

export const STABILITY_SEED = 987654;

export async function startStabilityFake(options: { json?: boolean } = {}): Promise<FakeUpstream> {
  const image = await pngWithPromptChunks(CANARY);
  const blurred = await plainPng();
  return FakeUpstream.start(async (seen, res, fake) => {
    if (seen.method !== 'POST' || !/^\/v2beta\/stable-image\/generate\/(core|ultra|sd3)$/.test(seen.url)) {
      return sendJson(res, 404, { id: 'x', name: 'not_found', errors: ['no route'] });
    }
    if (!(await formOf(seen))) {
      return sendJson(res, 400, { id: 'x', name: 'bad_request', errors: ['multipart/form-data required'] });
    }
    const fail = (status: number, name: string, headers: Record<string, string> = {}) =>
      sendJson(res, status, { id: 'e1', name, errors: [`${name}: ${CANARY}`] }, headers);
    const image200 = (bytes: Buffer, finishReason: string) =>
      options.json
        ? sendJson(res, 200, { image: bytes.toString('base64'), finish_reason: finishReason, seed: STABILITY_SEED }, { 'content-type': 'application/json; type=image/png' })
        : sendBytes(res, 200, bytes, 'image/png', { 'finish-reason': finishReason, seed: String(STABILITY_SEED) });

    switch (fake.scenario) {
      case 'success':
        return image200(image, 'SUCCESS');
      case 'safety':
        return image200(blurred, 'CONTENT_FILTERED');
      case 'unauthorized':
        return fail(401, 'unauthorized');
      case 'slow':
        return fake.hold(seen);
      case 'malformed':
        return sendBytes(res, 200, Buffer.from(`not a png ${CANARY}`), 'image/png', { 'finish-reason': 'SUCCESS' });
      default:
        if (!isRateScenario(fake.scenario)) throw new Error(`unhandled scenario ${fake.scenario}`);
        return fail(429, 'rate_limit_exceeded', retryAfterHeader(fake.scenario));
    }
  });
}

/** The multipart fields the fake received, or undefined when the body was not multipart. */
export async function formOf(seen: Seen): Promise<Record<string, string> | undefined> {
  const type = seen.headers['content-type'];
  if (!type?.startsWith('multipart/form-data')) return undefined;
  const form = await new Request('http://fake/', { method: 'POST', headers: { 'content-type': type }, body: new Uint8Array(seen.body) }).formData();
  return Object.fromEntries([...form.entries()].map(([k, v]) => [k, String(v)]));
}
