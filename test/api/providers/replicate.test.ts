import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { createReplicateProvider, tqdmFraction } from '../../../api/providers/replicate.js';
import { expectFailure, generateInput, providerContract } from './fakes/contract.js';
import { startReplicateFake, type ReplicateFakeOptions } from './fakes/replicate.js';
import { CANARY, FakeUpstream, sendBytes, sendJson } from './fakes/upstream.js';
import { plainPng } from './fixtures/images.js';

const create = (fake: FakeUpstream, extra: { timeoutMs?: number; model?: string } = {}) =>
  createReplicateProvider({ apiToken: 'r8_test', baseUrl: `${fake.url}/v1`, pollIntervalMs: 5, ...extra });

providerContract({
  name: 'replicate',
  start: () => startReplicateFake(),
  create: (fake, timeoutMs) => create(fake, { timeoutMs }),
  success: (image) => expect(image.mimeType).toBe('image/png'),
});

describe('replicate adapter', () => {
  let fake: FakeUpstream | undefined;
  afterEach(async () => { await fake?.close(); });
  const start = async (options: ReplicateFakeOptions = {}) => (fake = await startReplicateFake(options));

  it('creates with Prefer: wait and the input, polls, reports tqdm progress, downloads without the token', async () => {
    await start();
    const progress: number[] = [];
    const image = await create(fake!, { timeoutMs: 20_000 }).generate(generateInput(undefined, { width: 832, height: 1248, onProgress: (p) => progress.push(p) }));
    expect(image.seed).toBe(1234);
    const [createCall, ...rest] = fake!.seen;
    expect(createCall!.url).toBe('/v1/models/black-forest-labs/flux-schnell/predictions');
    expect(createCall!.headers.prefer).toBe('wait=20');
    expect(createCall!.headers.authorization).toBe('Bearer r8_test');
    expect(JSON.parse(createCall!.body.toString())).toEqual({
      input: { prompt: CANARY, aspect_ratio: '2:3', seed: 1234, num_outputs: 1, output_format: 'png' },
    });
    expect(rest.map((s) => s.url)).toEqual(['/v1/predictions/p1abc', '/v1/predictions/p1abc', '/files/out.png']);
    expect(rest[0]!.headers.authorization).toBe('Bearer r8_test');
    expect(rest[2]!.headers.authorization).toBeUndefined();
    expect(progress).toEqual([50, 100]);
  });

  it('needs no poll when the prediction finishes within the sync wait', async () => {
    await start({ sync: true });
    await create(fake!).generate(generateInput());
    expect(fake!.seen.map((s) => s.url)).toEqual(['/v1/models/black-forest-labs/flux-schnell/predictions', '/files/out.png']);
  });

  it('creates a pinned version on /predictions', async () => {
    await start({ sync: true });
    await create(fake!, { model: 'stability-ai/sdxl:7762fd07' }).generate(generateInput());
    expect(fake!.seen[0]!.url).toBe('/v1/predictions');
    expect(JSON.parse(fake!.seen[0]!.body.toString())).toMatchObject({ version: '7762fd07' });
  });

  it.each([429, 503])('keeps polling after a %i on a poll', async (status) => {
    await start({ pollHiccup: status });
    const image = await create(fake!).generate(generateInput());
    expect(image.mimeType).toBe('image/png');
    expect(fake!.requests('/v1/predictions/p1abc').map((s) => s.url)).toEqual(['/v1/predictions/p1abc', '/v1/predictions/p1abc']);
  });

  it('cancels the prediction when the visitor leaves mid-poll', async () => {
    await start({ holdPolls: true });
    const controller = new AbortController();
    const result = create(fake!).generate(generateInput(controller.signal));
    const held = await fake!.nextHold();
    controller.abort(new Error('client disconnected'));
    await expectFailure(result, 'error');
    await held.aborted;
    await expect.poll(() => fake!.requests('/v1/predictions/p1abc/cancel').length).toBe(1);
  });

  it('crops the square of a model that ignores aspect_ratio to the asked ratio', async () => {
    const square = await plainPng({ width: 300, height: 300 });
    fake = await FakeUpstream.start((seen, res) => {
      if (seen.url === '/out.png') sendBytes(res, 200, square, 'image/png');
      else sendJson(res, 201, { id: 'x1', status: 'succeeded', output: `${fake!.url}/out.png` });
    });
    const image = await create(fake).generate(generateInput(undefined, { width: 720, height: 1280 }));
    const meta = await sharp(image.bytes).metadata();
    expect([meta.width, meta.height]).toEqual([169, 300]);
  });

  it('refuses an output that is not an image', async () => {
    fake = await FakeUpstream.start((seen, res) => {
      if (seen.url === '/html') res.writeHead(200, { 'content-type': 'image/png' }).end(`<html>${CANARY}</html>`);
      else sendJson(res, 201, { id: 'x1', status: 'succeeded', output: [`${fake!.url}/html`] });
    });
    await expectFailure(create(fake).generate(generateInput()), 'bad_output');
  });

  it('reads the last tqdm state of carriage-return redraws', () => {
    expect(tqdmFraction(' 10%|█         | 1/10 [00:00<?]\r 70%|███████   | 7/10 [00:01<00:00]\nsaving')).toBeCloseTo(0.7);
    expect(tqdmFraction('no progress here')).toBeNaN();
    expect(tqdmFraction(null)).toBeNaN();
  });
});
