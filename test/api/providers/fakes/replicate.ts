/**
 * Replicate predictions (providers.md §4): the create call answers `starting` (the model took
 * longer than `Prefer: wait`), polls go `processing` with tqdm logs, then `succeeded` with an
 * output URL served here, or `failed` with the cog NSFW message. Predictions echo their input.
 */
import { pngWithPromptChunks } from '../fixtures/images.js';
import { CANARY, FakeUpstream, isRateScenario, retryAfterHeader, sendBytes, sendJson } from './upstream.js';

export interface ReplicateFakeOptions {
  /** Finish within the create call, as with a warm model and `Prefer: wait`. */
  sync?: boolean;
  /** Leave every poll unanswered (to abort mid-poll). */
  holdPolls?: boolean;
  /** Answer the first poll with this status (429, 503) before the real one. */
  pollHiccup?: number;
}

const ID = 'p1abc';
const NSFW = 'NSFW content detected. Try running it again, or try a different prompt.';

export async function startReplicateFake(options: ReplicateFakeOptions = {}): Promise<FakeUpstream> {
  const image = await pngWithPromptChunks(CANARY);
  let polls = 0;
  return FakeUpstream.start((seen, res, fake) => {
    const prediction = (status: string, extra: Record<string, unknown> = {}) => ({
      id: ID, model: 'black-forest-labs/flux-schnell', version: 'v', input: { prompt: CANARY }, status, error: null,
      logs: `Using seed: 1234\nprompt: ${CANARY}\n`, output: null, urls: { get: `${fake.url}/v1/predictions/${ID}`, cancel: `${fake.url}/v1/predictions/${ID}/cancel` },
      ...extra,
    });
    const done = () => fake.scenario === 'safety'
      ? prediction('failed', { error: NSFW })
      : prediction('succeeded', { output: [fake.url + '/files/out.png'], logs: `${prediction('').logs}100%|██████████| 4/4 [00:01<00:00, 3.1it/s]\n` });

    if (seen.url === '/files/out.png') return sendBytes(res, 200, image, 'image/png');
    if (seen.method === 'POST' && seen.url === `/v1/predictions/${ID}/cancel`) return sendJson(res, 200, prediction('canceled'));
    if (seen.method === 'GET' && seen.url === `/v1/predictions/${ID}`) {
      polls += 1;
      if (options.holdPolls) return fake.hold(seen);
      if (options.pollHiccup && polls === 1) return sendJson(res, options.pollHiccup, { detail: 'throttled', status: options.pollHiccup });
      if (polls === 1) {
        return sendJson(res, 200, prediction('processing', { logs: `${prediction('').logs}  0%|          | 0/4 [00:00<?, ?it/s]\r 50%|█████     | 2/4 [00:00<00:00, 3.1it/s]` }));
      }
      return sendJson(res, 200, done());
    }
    if (seen.method !== 'POST' || !/^\/v1\/(models\/[^/]+\/[^/]+\/)?predictions$/.test(seen.url)) {
      return sendJson(res, 404, { detail: 'Not found.', status: 404 });
    }
    const problem = (status: number, detail: string, headers: Record<string, string> = {}) =>
      sendJson(res, status, { title: 'Error', detail, status }, { 'content-type': 'application/problem+json', ...headers });

    switch (fake.scenario) {
      case 'success':
      case 'safety':
        return sendJson(res, 201, options.sync ? done() : prediction('starting'));
      case 'unauthorized':
        return problem(401, `Invalid token for ${CANARY}`);
      case 'slow':
        return fake.hold(seen);
      case 'malformed':
        return sendBytes(res, 201, Buffer.from(`{"id":"${ID}","input":{"prompt":"${CANARY}"`), 'application/json');
      default:
        if (!isRateScenario(fake.scenario)) throw new Error(`unhandled scenario ${fake.scenario}`);
        return problem(429, `Request was throttled: ${CANARY}`, retryAfterHeader(fake.scenario));
    }
  });
}
