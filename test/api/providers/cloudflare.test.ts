import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { createCloudflareProvider } from '../../../api/providers/cloudflare.js';
import { CF_ACCOUNT, startCloudflareFake } from './fakes/cloudflare.js';
import { expectFailure, generateInput, providerContract } from './fakes/contract.js';
import { CANARY, FakeUpstream, sendJson } from './fakes/upstream.js';
import { blackPng, plainPng } from './fixtures/images.js';

const create = (fake: FakeUpstream, extra: { timeoutMs?: number; model?: string } = {}) =>
  createCloudflareProvider({ accountId: CF_ACCOUNT, apiToken: 'cf-token', baseUrl: `${fake.url}/client/v4`, ...extra });

providerContract({
  name: 'cloudflare',
  start: () => startCloudflareFake(),
  create: (fake, timeoutMs) => create(fake, { timeoutMs }),
  success: (image) => expect(image.mimeType).toBe('image/jpeg'),
});

describe('cloudflare adapter', () => {
  let fake: FakeUpstream | undefined;
  afterEach(async () => { await fake?.close(); });

  it('runs flux with prompt and seed only, and crops its square to the asked ratio', async () => {
    fake = await startCloudflareFake({ image: await plainPng({ width: 256, height: 256 }) });
    const image = await create(fake).generate(generateInput(undefined, { width: 1280, height: 720 }));
    const request = fake.seen[0]!;
    expect(request.url).toBe(`/client/v4/accounts/${CF_ACCOUNT}/ai/run/@cf/black-forest-labs/flux-1-schnell`);
    expect(request.headers.authorization).toBe('Bearer cf-token');
    expect(JSON.parse(request.body.toString())).toEqual({ prompt: CANARY, seed: 1234 });
    const meta = await sharp(image.bytes).metadata();
    expect([meta.width, meta.height]).toEqual([256, 144]);
  });

  it('sends size and negative prompt to SDXL models and reads their raw PNG', async () => {
    fake = await startCloudflareFake();
    const image = await create(fake, { model: '@cf/bytedance/stable-diffusion-xl-lightning' }).generate(generateInput());
    expect(image.mimeType).toBe('image/png');
    expect(JSON.parse(fake.seen[0]!.body.toString())).toEqual({ prompt: CANARY, seed: 1234, width: 1024, height: 1024, negative_prompt: 'blurry' });
  });

  it('treats 429 with 3036 (daily allocation used up) as busy and keeps the code', async () => {
    fake = await FakeUpstream.start((_s, res) => sendJson(res, 429, { success: false, errors: [{ code: 3036, message: 'You have used up your daily free allocation' }] }));
    const err = await expectFailure(create(fake).generate(generateInput()), 'busy');
    expect(err.detail).toBe('upstream 429 3036');
  });

  it('treats a black picture as a safety rejection', async () => {
    fake = await startCloudflareFake({ image: await blackPng() });
    await expectFailure(create(fake, { model: '@cf/lykon/dreamshaper-8-lcm' }).generate(generateInput()), 'rejected');
  });

  it('reads success:false in a 200 envelope as an error', async () => {
    fake = await FakeUpstream.start((_s, res) => sendJson(res, 200, { success: false, errors: [{ code: 3007, message: CANARY }], result: null }));
    const err = await expectFailure(create(fake).generate(generateInput()), 'error');
    expect(err.detail).toBe('upstream 200 3007');
  });
});
