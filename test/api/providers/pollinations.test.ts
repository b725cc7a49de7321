import { afterEach, describe, expect, it } from 'vitest';
import { createPollinationsProvider } from '../../../api/providers/pollinations.js';
import { expectFailure, generateInput, providerContract } from './fakes/contract.js';
import { startPollinationsFake } from './fakes/pollinations.js';
import { CANARY, type FakeUpstream } from './fakes/upstream.js';

providerContract({
  name: 'pollinations',
  start: () => startPollinationsFake(),
  create: (fake, timeoutMs) => createPollinationsProvider({ apiKey: 'sk_test', baseUrl: fake.url, timeoutMs }),
  success: (image) => expect(image.mimeType).toBe('image/jpeg'),
});

describe('pollinations adapter', () => {
  let fake: FakeUpstream | undefined;
  afterEach(async () => { await fake?.close(); });

  it('puts the prompt in the path and always asks for private, no feed, no rewrite', async () => {
    fake = await startPollinationsFake();
    await createPollinationsProvider({ apiKey: 'sk_test', baseUrl: fake.url }).generate(generateInput(undefined, { width: 1248, height: 832 }));
    const request = fake.seen[0]!;
    const url = new URL(request.url, 'http://fake');
    expect(decodeURIComponent(url.pathname)).toBe(`/image/${CANARY}`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      model: 'flux', width: '1248', height: '832', seed: '1234', negative_prompt: 'blurry',
      enhance: 'false', private: 'true', nofeed: 'true', nologo: 'true', safe: 'true',
    });
    expect(request.headers.authorization).toBe('Bearer sk_test');
  });

  it('keeps private=true&nofeed=true when safe mode is off', async () => {
    fake = await startPollinationsFake();
    await createPollinationsProvider({ apiKey: 'k', baseUrl: fake.url, safe: false, model: 'zimage' }).generate(generateInput());
    const params = new URL(fake.seen[0]!.url, 'http://fake').searchParams;
    expect([params.get('private'), params.get('nofeed'), params.get('safe'), params.get('model')]).toEqual(['true', 'true', 'false', 'zimage']);
  });

  it('keeps a prompt with slashes and query characters inside the path', async () => {
    fake = await startPollinationsFake();
    await createPollinationsProvider({ apiKey: 'k', baseUrl: fake.url }).generate(generateInput(undefined, { prompt: 'a/b?private=false&c#d' }));
    const url = new URL(fake.seen[0]!.url, 'http://fake');
    expect(decodeURIComponent(url.pathname)).toBe('/image/a/b?private=false&c#d');
    expect(url.searchParams.getAll('private')).toEqual(['true']);
  });

  it('names the gateway code, never its message', async () => {
    fake = await startPollinationsFake();
    fake.scenario = 'unauthorized';
    const err = await expectFailure(createPollinationsProvider({ apiKey: 'k', baseUrl: fake.url }).generate(generateInput()), 'error');
    expect(err.detail).toBe('upstream 401 UNAUTHORIZED');
  });
});
