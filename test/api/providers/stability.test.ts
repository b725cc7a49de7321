import { afterEach, describe, expect, it } from 'vitest';
import { createStabilityProvider } from '../../../api/providers/stability.js';
import { expectFailure, generateInput, providerContract } from './fakes/contract.js';
import { STABILITY_SEED, formOf, startStabilityFake } from './fakes/stability.js';
import { CANARY, FakeUpstream, sendJson } from './fakes/upstream.js';

providerContract({
  name: 'stability',
  start: () => startStabilityFake(),
  create: (fake, timeoutMs) => createStabilityProvider({ apiKey: 'sk-stab', baseUrl: fake.url, timeoutMs }),
  success: (image) => {
    expect(image.mimeType).toBe('image/png');
    expect(image.seed).toBe(STABILITY_SEED);
  },
});

describe('stability adapter', () => {
  let fake: FakeUpstream | undefined;
  afterEach(async () => { await fake?.close(); });

  it('posts multipart fields to core with the key and accept: image/*', async () => {
    fake = await startStabilityFake();
    await createStabilityProvider({ apiKey: 'sk-stab', baseUrl: fake.url }).generate(generateInput(undefined, { width: 1280, height: 720 }));
    const request = fake.seen[0]!;
    expect(request.url).toBe('/v2beta/stable-image/generate/core');
    expect(request.headers.authorization).toBe('Bearer sk-stab');
    expect(request.headers.accept).toBe('image/*');
    expect(await formOf(request)).toEqual({ prompt: CANARY, negative_prompt: 'blurry', aspect_ratio: '16:9', seed: '1234', output_format: 'png' });
  });

  it('sends sd3.x models to the sd3 endpoint with a model field', async () => {
    fake = await startStabilityFake();
    await createStabilityProvider({ apiKey: 'k', baseUrl: fake.url, model: 'sd3.5-large' }).generate(generateInput());
    expect(fake.seen[0]!.url).toBe('/v2beta/stable-image/generate/sd3');
    expect((await formOf(fake.seen[0]!))?.model).toBe('sd3.5-large');
  });

  it('reads the JSON variant, including CONTENT_FILTERED in its body', async () => {
    fake = await startStabilityFake({ json: true });
    const provider = createStabilityProvider({ apiKey: 'k', baseUrl: fake.url });
    const image = await provider.generate(generateInput());
    expect(image.seed).toBe(STABILITY_SEED);
    fake.scenario = 'safety';
    await expectFailure(provider.generate(generateInput()), 'rejected');
  });

  it('maps 403 content_moderation to rejected', async () => {
    fake = await FakeUpstream.start((_s, res) => sendJson(res, 403, { id: 'e', name: 'content_moderation', errors: [`flagged: ${CANARY}`] }));
    const err = await expectFailure(createStabilityProvider({ apiKey: 'k', baseUrl: fake.url }).generate(generateInput()), 'rejected');
    expect(err.detail).toBe('upstream 403 content_moderation');
  });

  it('maps 402 (out of credits) to busy', async () => {
    fake = await FakeUpstream.start((_s, res) => sendJson(res, 402, { id: 'e', name: 'payment_required', errors: ['no credits'] }));
    await expectFailure(createStabilityProvider({ apiKey: 'k', baseUrl: fake.url }).generate(generateInput()), 'busy');
  });
});
