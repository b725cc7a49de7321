import { afterEach, describe, expect, it } from 'vitest';
import { createHuggingFaceProvider } from '../../../api/providers/huggingface.js';
import { expectFailure, generateInput, providerContract } from './fakes/contract.js';
import { HF_PATH, startHuggingFaceFake } from './fakes/huggingface.js';
import { CANARY, FakeUpstream, sendJson } from './fakes/upstream.js';

const create = (fake: FakeUpstream, timeoutMs?: number) =>
  createHuggingFaceProvider({ apiToken: 'hf_test', baseUrl: `${fake.url}/hf-inference/models`, timeoutMs });

providerContract({
  name: 'huggingface',
  start: () => startHuggingFaceFake(),
  create,
  success: (image) => expect(image.mimeType).toBe('image/jpeg'),
});

describe('huggingface adapter', () => {
  let fake: FakeUpstream | undefined;
  afterEach(async () => { await fake?.close(); });

  it('posts inputs and parameters to the model path with the token', async () => {
    fake = await startHuggingFaceFake();
    await create(fake).generate(generateInput(undefined, { width: 720, height: 1280 }));
    const request = fake.seen[0]!;
    expect(request.url).toBe(HF_PATH);
    expect(request.headers.authorization).toBe('Bearer hf_test');
    expect(JSON.parse(request.body.toString())).toEqual({
      inputs: CANARY,
      parameters: { width: 720, height: 1280, seed: 1234, negative_prompt: 'blurry' },
    });
  });

  it('treats 503 (model loading) as busy, waiting the estimated time', async () => {
    fake = await startHuggingFaceFake({ loading: true });
    const err = await expectFailure(create(fake).generate(generateInput()), 'busy');
    expect(err.retryAfter).toBe(21);
    expect(err.detail).toBe('upstream 503');
  });

  it('reads an NSFW error as a rejection', async () => {
    fake = await FakeUpstream.start((_s, res) => sendJson(res, 400, { error: { message: `NSFW content detected for ${CANARY}` } }));
    await expectFailure(create(fake).generate(generateInput()), 'rejected');
  });

  it('treats 402 (credits exhausted) as busy and 403 as an operator error', async () => {
    let status = 402;
    fake = await FakeUpstream.start((_s, res) => sendJson(res, status, { error: 'nope' }));
    await expectFailure(create(fake).generate(generateInput()), 'busy');
    status = 403;
    await expectFailure(create(fake).generate(generateInput()), 'error');
  });
});
