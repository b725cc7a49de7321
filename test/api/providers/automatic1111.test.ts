import { afterEach, describe, expect, it } from 'vitest';
import { createAutomatic1111Provider } from '../../../api/providers/automatic1111.js';
import { startA1111Fake } from './fakes/automatic1111.js';
import { expectFailure, generateInput, providerContract } from './fakes/contract.js';
import { CANARY, FakeUpstream } from './fakes/upstream.js';

providerContract({
  name: 'automatic1111',
  start: () => startA1111Fake(),
  create: (fake, timeoutMs) => createAutomatic1111Provider({ baseUrl: fake.url, timeoutMs }),
  success: (image) => {
    expect(image.mimeType).toBe('image/png');
    expect(image.seed).toBe(1234);
  },
});

describe('automatic1111 adapter', () => {
  let fake: FakeUpstream | undefined;
  afterEach(async () => { await fake?.close(); });

  it('posts txt2img with size, seed, steps, no saving, and the chosen checkpoint', async () => {
    fake = await startA1111Fake();
    const provider = createAutomatic1111Provider({ baseUrl: fake.url, model: 'sdxl.safetensors', sampler: 'Euler a', steps: 8 });
    await provider.generate(generateInput(undefined, { width: 1248, height: 832 }));
    expect(JSON.parse(fake.seen[0]!.body.toString())).toEqual({
      prompt: CANARY, negative_prompt: 'blurry', width: 1248, height: 832, seed: 1234, steps: 8, sampler_name: 'Euler a',
      batch_size: 1, n_iter: 1, send_images: true, save_images: false,
      override_settings: { sd_model_checkpoint: 'sdxl.safetensors' }, override_settings_restore_afterwards: true,
    });
  });

  it('sends HTTP Basic credentials for --api-auth, to txt2img and /progress alike', async () => {
    fake = await startA1111Fake({ progressPolls: 1 });
    await createAutomatic1111Provider({ baseUrl: fake.url, auth: 'user:pa:ss', progressIntervalMs: 5 }).generate(generateInput(undefined, { onProgress: () => undefined }));
    const expected = `Basic ${Buffer.from('user:pa:ss').toString('base64')}`;
    expect(fake.seen.map((s) => s.headers.authorization)).toEqual(fake.seen.map(() => expected));
  });

  it('reports the rising /progress while txt2img blocks, and stops polling afterwards', async () => {
    fake = await startA1111Fake({ progressPolls: 3 });
    const progress: number[] = [];
    await createAutomatic1111Provider({ baseUrl: fake.url, progressIntervalMs: 5 }).generate(generateInput(undefined, { onProgress: (p) => progress.push(p) }));
    expect(progress).toEqual([25, 50, 75]);
    const polls = fake.requests('/sdapi/v1/progress').length;
    // A second generation that waits for ten polls of its own is the clock: ten intervals later a
    // poller still running would have asked about ten more times. One poll may already have been
    // on the wire when the image arrived.
    const clock = await startA1111Fake({ progressPolls: 10 });
    try {
      await createAutomatic1111Provider({ baseUrl: clock.url, progressIntervalMs: 5 }).generate(generateInput(undefined, { onProgress: () => undefined }));
      expect(clock.requests('/sdapi/v1/progress').length).toBeGreaterThanOrEqual(10);
    } finally {
      await clock.close();
    }
    expect(fake.requests('/sdapi/v1/progress').length).toBeLessThanOrEqual(polls + 1);
  });

  it('does not poll /progress when nobody listens', async () => {
    fake = await startA1111Fake();
    await createAutomatic1111Provider({ baseUrl: fake.url, progressIntervalMs: 5 }).generate(generateInput());
    expect(fake.requests('/sdapi/v1/progress')).toEqual([]);
  });

  it('names the exception type (not its text) in the detail of a 500', async () => {
    fake = await FakeUpstream.start((_s, res) => {
      res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'OutOfMemoryError', detail: CANARY, body: CANARY, errors: CANARY }));
    });
    const err = await expectFailure(createAutomatic1111Provider({ baseUrl: fake.url }).generate(generateInput()), 'error');
    expect(err.detail).toBe('upstream 500 OutOfMemoryError');
  });
});
