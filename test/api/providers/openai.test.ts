import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { createOpenAIProvider, type OpenAIConfig } from '../../../api/providers/openai.js';
import { expectFailure, generateInput, providerContract } from './fakes/contract.js';
import { startOpenAIFake, type OpenAIFakeOptions } from './fakes/openai.js';
import { CANARY, RETRY_SECONDS, sendJson, FakeUpstream } from './fakes/upstream.js';
import { blackPng, plainPng } from './fixtures/images.js';

providerContract({
  name: 'openai',
  start: () => startOpenAIFake(),
  create: (fake, timeoutMs) => createOpenAIProvider({ apiKey: 'sk-test', baseUrl: `${fake.url}/v1`, timeoutMs }),
  success: (image) => expect(image.mimeType).toBe('image/png'),
});

describe('openai adapter', () => {
  let fake: FakeUpstream | undefined;
  afterEach(async () => { await fake?.close(); });

  async function generate(config: OpenAIConfig, fakeOptions: OpenAIFakeOptions = {}, extra = {}) {
    fake = await startOpenAIFake(fakeOptions);
    const provider = createOpenAIProvider({ apiKey: 'sk-test', baseUrl: `${fake.url}/v1`, ...config });
    const image = await provider.generate(generateInput(undefined, extra));
    const request = fake.seen[0]!;
    return { image, request, body: JSON.parse(request.body.toString()) as Record<string, unknown> };
  }

  it('always sends the model, a GPT size and the key; never response_format', async () => {
    const { request, body } = await generate({ quality: 'low' });
    expect(request.url).toBe('/v1/images/generations');
    expect(request.headers.authorization).toBe('Bearer sk-test');
    expect(body).toEqual({ model: 'gpt-image-1', prompt: CANARY, n: 1, size: '1024x1024', output_format: 'png', quality: 'low' });
  });

  it('asks for the nearest GPT size and crops the answer to the asked aspect ratio', async () => {
    const { image, body } = await generate({}, { image: await plainPng({ width: 1536, height: 1024 }) }, { width: 1280, height: 720 });
    expect(body.size).toBe('1536x1024');
    const meta = await sharp(image.bytes).metadata();
    expect(meta.width! / meta.height!).toBeCloseTo(16 / 9, 2);
  });

  it('sends the exact size to gpt-image-2', async () => {
    const { body } = await generate({ model: 'gpt-image-2' }, { image: await plainPng({ width: 832, height: 1248 }) }, { width: 832, height: 1248 });
    expect(body.size).toBe('832x1248');
  });

  it('speaks Together: pixel sizes, seed, negative prompt, response_format base64', async () => {
    const { body } = await generate({ flavor: 'together', model: 'black-forest-labs/FLUX.1-schnell' });
    expect(body).toEqual({
      model: 'black-forest-labs/FLUX.1-schnell', prompt: CANARY, n: 1, width: 1024, height: 1024, seed: 1234,
      negative_prompt: 'blurry', response_format: 'base64', output_format: 'png',
    });
  });

  it('speaks LocalAI: no key needed, negative prompt after a pipe, b64_json', async () => {
    fake = await startOpenAIFake();
    const provider = createOpenAIProvider({ flavor: 'localai', model: 'sd', baseUrl: `${fake.url}/v1` });
    await provider.generate(generateInput());
    const request = fake.seen[0]!;
    expect(request.headers.authorization).toBeUndefined();
    expect(JSON.parse(request.body.toString())).toEqual({ model: 'sd', prompt: `${CANARY}|blurry`, n: 1, size: '1024x1024', response_format: 'b64_json' });
  });

  it('treats LocalAI 503 (model loading) as busy with its Retry-After', async () => {
    fake = await startOpenAIFake({ loading: true });
    fake.scenario = 'rate-seconds';
    const provider = createOpenAIProvider({ flavor: 'localai', model: 'sd', baseUrl: `${fake.url}/v1` });
    const err = await expectFailure(provider.generate(generateInput()), 'busy');
    expect(err.detail).toBe('upstream 503 503');
    expect(err.retryAfter).toBe(RETRY_SECONDS);
  });

  it('speaks DeepInfra on its /v1/openai base and downloads URL answers without the key', async () => {
    fake = await startOpenAIFake({ urlMode: true });
    const provider = createOpenAIProvider({ flavor: 'deepinfra', apiKey: 'di-key', model: 'flux', baseUrl: `${fake.url}/v1/openai` });
    const image = await provider.generate(generateInput());
    expect(image.mimeType).toBe('image/png');
    expect(fake.seen[0]!.url).toBe('/v1/openai/images/generations');
    expect(JSON.parse(fake.seen[0]!.body.toString())).toEqual({ model: 'flux', prompt: CANARY, n: 1, size: '1024x1024' });
    expect(fake.seen[1]!.url).toBe('/files/out.png');
    expect(fake.seen[1]!.headers.authorization).toBeUndefined();
  });

  it('treats an all-black answer from a compatible server as a safety rejection', async () => {
    fake = await startOpenAIFake({ image: await blackPng() });
    const provider = createOpenAIProvider({ flavor: 'together', apiKey: 'k', model: 'm', baseUrl: `${fake.url}/v1` });
    await expectFailure(provider.generate(generateInput()), 'rejected');
  });

  it('reads an NSFW error message from a compatible server as a rejection, without keeping it', async () => {
    fake = await FakeUpstream.start((_seen, res) => sendJson(res, 422, { error: { message: `NSFW content detected in ${CANARY}` } }));
    const provider = createOpenAIProvider({ flavor: 'together', apiKey: 'k', model: 'm', baseUrl: `${fake.url}/v1` });
    const err = await expectFailure(provider.generate(generateInput()), 'rejected');
    expect(err.detail).toBe('upstream 422');
  });

  it('keeps a parameter error about `moderation` an operator error on OpenAI itself', async () => {
    fake = await FakeUpstream.start((_seen, res) =>
      sendJson(res, 400, { error: { message: "Invalid value for 'moderation'", type: 'invalid_request_error', param: 'moderation', code: 'invalid_value' } }));
    const provider = createOpenAIProvider({ apiKey: 'k', baseUrl: `${fake.url}/v1` });
    const err = await expectFailure(provider.generate(generateInput()), 'error');
    expect(err.detail).toBe('upstream 400 invalid_value');
  });

  it('refuses base64 that is not an image', async () => {
    fake = await FakeUpstream.start((_seen, res) => sendJson(res, 200, { data: [{ b64_json: Buffer.from(`<html>${CANARY}</html>`).toString('base64') }] }));
    const provider = createOpenAIProvider({ apiKey: 'k', baseUrl: `${fake.url}/v1` });
    await expectFailure(provider.generate(generateInput()), 'bad_output');
  });
});
