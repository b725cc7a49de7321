import { describe, expect, it, vi } from 'vitest';
import sharp from 'sharp';
import { MemoryCaptchaStore } from '../../api/captcha/store.js';
import { UpstreamError } from '../../api/providers/types.js';
import { IMAGE_SIZES } from '../../sdk/types.js';
import { generate, issueCaptcha, scriptedProvider, testServer } from '../helpers/server.js';

const CANARY = 'canary-prompt-7f3a9 purple walrus';

async function solved(options: Parameters<typeof testServer>[0] = {}) {
  const server = await testServer(options);
  const { cookie } = await issueCaptcha(server);
  return { server, cookie };
}

describe('POST /api/v1/generate', () => {
  it('answers the image as JSON, re-encoded at the default size, marked as a preview', async () => {
    const { server, cookie } = await solved();
    const response = await generate(server, cookie, { prompt: CANARY, captcha: 'ACDEH', seed: 7 });
    expect(response.statusCode).toBe(200);
    const body = response.result as Record<string, any>;
    expect(body).toMatchObject({ mimeType: 'image/webp', width: 1024, height: 1024, seed: 7, provider: { name: 'offline', preview: true } });
    const bytes = Buffer.from(String(body.image).replace(/^data:image\/webp;base64,/, ''), 'base64');
    const meta = await sharp(bytes).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['webp', 1024, 1024]);
  });

  it.each(Object.entries(IMAGE_SIZES))('accepts the %s size', async (_ratio, size) => {
    const { server, cookie } = await solved();
    const response = await generate(server, cookie, { prompt: 'a', captcha: 'ACDEH', ...size });
    expect(response.result).toMatchObject(size);
  });

  it('passes prompt, negative prompt, size and seed to the provider, with an abort signal', async () => {
    const provider = scriptedProvider(async (input) => ({ bytes: await sharp({ create: { width: input.width, height: input.height, channels: 3, background: '#123' } }).png().toBuffer(), mimeType: 'image/png', seed: input.seed }));
    const { server, cookie } = await solved({ provider });
    await generate(server, cookie, { prompt: '  a   red\nfox ', negativePrompt: 'blur', captcha: 'ACDEH', width: 1280, height: 720, seed: 42 });
    expect(provider.calls).toHaveLength(1);
    expect(provider.calls[0]).toMatchObject({ prompt: 'a red fox', negativePrompt: 'blur', width: 1280, height: 720, seed: 42 });
    expect(provider.calls[0]!.signal).toBeInstanceOf(AbortSignal);
  });

  it('picks a random seed when none is given and reports it', async () => {
    const { server, cookie } = await solved();
    const body = (await generate(server, cookie, { prompt: 'a', captcha: 'ACDEH' })).result as { seed: number };
    expect(Number.isInteger(body.seed)).toBe(true);
  });

  it('streams progress then the result as Server-Sent Events when asked', async () => {
    const provider = scriptedProvider(async (input) => {
      input.onProgress?.(40);
      return { bytes: await sharp({ create: { width: 64, height: 64, channels: 3, background: '#fff' } }).png().toBuffer(), mimeType: 'image/png', seed: 1 };
    });
    const { server, cookie } = await solved({ provider });
    const response = await generate(server, cookie, { prompt: 'a', captcha: 'ACDEH' }, { accept: 'text/event-stream' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/event-stream/);
    const events = [...response.payload.matchAll(/event: (\w+)\ndata: (.*)\n\n/g)].map((m) => [m[1], JSON.parse(m[2]!)]);
    expect(events.some(([name, data]) => name === 'progress' && data.percent === 40)).toBe(true);
    expect(events.at(-1)![0]).toBe('result');
    expect(events.at(-1)![1]).toMatchObject({ width: 1024, height: 1024 });
  });

  it('tells a waiting client how long recent images took (typicalMs), once this server has made one', async () => {
    const { server, cookie } = await solved();
    const events = (payload: string) => [...payload.matchAll(/event: (\w+)\ndata: (.*)\n\n/g)].map((m) => [m[1], JSON.parse(m[2]!)] as const);
    const first = events((await generate(server, cookie, { prompt: 'a', captcha: 'ACDEH' }, { accept: 'text/event-stream' })).payload);
    expect(first.filter(([name]) => name === 'progress').every(([, data]) => data.typicalMs === undefined)).toBe(true);
    const { cookie: next } = await issueCaptcha(server);
    const second = events((await generate(server, next, { prompt: 'a', captcha: 'ACDEH' }, { accept: 'text/event-stream' })).payload);
    expect(second[0]![0]).toBe('progress');
    expect(second[0]![1].typicalMs).toEqual(expect.any(Number));
    expect(second[0]![1].typicalMs).toBeGreaterThanOrEqual(0);
  });

  it('streams an error event when the provider fails after the stream opened', async () => {
    const provider = scriptedProvider(async () => {
      throw new UpstreamError('rejected', 'status 400');
    });
    const { server, cookie } = await solved({ provider });
    const response = await generate(server, cookie, { prompt: CANARY, captcha: 'ACDEH' }, { accept: 'text/event-stream' });
    expect(response.payload).toMatch(/event: error\ndata: .*"code":"prompt_rejected"/);
    expect(response.payload).not.toContain('canary');
  });
});

describe('validation', () => {
  const cases: Array<[string, object]> = [
    ['missing prompt', { captcha: 'ACDEH' }],
    ['empty prompt', { prompt: '   ', captcha: 'ACDEH' }],
    ['prompt too long', { prompt: 'x'.repeat(1001), captcha: 'ACDEH' }],
    ['prompt with control characters', { prompt: `${CANARY}\u0007`, captcha: 'ACDEH' }],
    ['prompt not a string', { prompt: 42, captcha: 'ACDEH' }],
    ['unknown size', { prompt: CANARY, captcha: 'ACDEH', width: 1000, height: 1000 }],
    ['width without height', { prompt: CANARY, captcha: 'ACDEH', width: 1024 }],
    ['seed negative', { prompt: CANARY, captcha: 'ACDEH', seed: -1 }],
    ['seed too large', { prompt: CANARY, captcha: 'ACDEH', seed: 4294967295 }],
    ['seed fractional', { prompt: CANARY, captcha: 'ACDEH', seed: 1.5 }],
    ['seed as string', { prompt: CANARY, captcha: 'ACDEH', seed: '5' }],
    ['negative prompt too long', { prompt: CANARY, captcha: 'ACDEH', negativePrompt: 'x'.repeat(1001) }],
    ['unknown field', { prompt: CANARY, captcha: 'ACDEH', [CANARY]: 1 }],
  ];

  it.each(cases)('%s → 400 invalid_request, prompt not echoed, captcha kept', async (_name, payload) => {
    const { server, cookie } = await solved();
    const response = await generate(server, cookie, payload);
    expect(response.statusCode).toBe(400);
    expect(response.result).toMatchObject({ code: 'invalid_request' });
    expect(response.payload).not.toContain('canary');
    expect(response.payload).not.toContain('walrus');
    // Bad input loses nothing: the captcha is still there for the corrected request.
    expect((await generate(server, cookie, { prompt: 'ok', captcha: 'ACDEH' })).statusCode).toBe(200);
  });

  it('an unknown field is answered with every field the API accepts', async () => {
    const { server, cookie } = await solved();
    const response = await generate(server, cookie, { prompt: 'a', captcha: 'ACDEH', colour: 'red' });
    const { message } = response.result as { message: string };
    for (const field of ['prompt', 'negativePrompt', 'captcha', 'width', 'height', 'seed']) expect(message).toContain(field);
  });

  it.each([
    ['too long', 'A'.repeat(33)],
    ['not a string', 12345],
  ])('a captcha answer %s → 400 invalid_request naming the field', async (_name, captcha) => {
    const { server, cookie } = await solved();
    const response = await generate(server, cookie, { prompt: 'a', captcha });
    expect(response.result).toMatchObject({ statusCode: 400, code: 'invalid_request' });
    expect((response.result as { message: string }).message).toMatch(/"captcha"/);
  });

  it('a missing captcha answer → 400 captcha_missing', async () => {
    const { server, cookie } = await solved();
    const response = await generate(server, cookie, { prompt: 'a' });
    expect(response.result).toMatchObject({ statusCode: 400, code: 'captcha_missing' });
  });

  it('a body that is not JSON → 400 invalid_request', async () => {
    const { server, cookie } = await solved();
    const response = await server.inject({ method: 'POST', url: '/api/v1/generate', headers: { cookie, 'content-type': 'application/json' }, payload: '{"prompt":' });
    expect(response.statusCode).toBe(400);
    expect(response.result).toMatchObject({ code: 'invalid_request' });
  });

  it('another content type → 415 unsupported_media_type', async () => {
    const { server, cookie } = await solved();
    const response = await server.inject({ method: 'POST', url: '/api/v1/generate', headers: { cookie, 'content-type': 'text/plain' }, payload: 'prompt=a' });
    expect(response.statusCode).toBe(415);
    expect(response.result).toMatchObject({ code: 'unsupported_media_type' });
  });

  it('a body over the limit → 413 payload_too_large', async () => {
    const { server, cookie } = await solved();
    const response = await generate(server, cookie, { prompt: 'a', captcha: 'ACDEH', padding: 'x'.repeat(20_000) });
    expect(response.statusCode).toBe(413);
    expect(response.result).toMatchObject({ code: 'payload_too_large' });
  });
});

describe('provider failures', () => {
  const failures: Array<[string, () => never, number, string]> = [
    ['rejected', () => { throw new UpstreamError('rejected', 'status 400'); }, 422, 'prompt_rejected'],
    ['busy', () => { throw new UpstreamError('busy', 'status 429', { retryAfter: 12 }); }, 503, 'provider_busy'],
    ['error', () => { throw new UpstreamError('error', 'status 401'); }, 502, 'provider_error'],
    ['timeout', () => { throw new UpstreamError('timeout', 'deadline'); }, 504, 'provider_timeout'],
    ['bad output', () => { throw new UpstreamError('bad_output', 'not an image'); }, 502, 'provider_error'],
    ['unexpected exception', () => { throw new TypeError(`boom ${CANARY}`); }, 500, 'internal_error'],
  ];

  it.each(failures)('%s → %i %s, never echoing the prompt', async (_name, fail, status, code) => {
    const { server, cookie } = await solved({ provider: scriptedProvider(async () => fail()) });
    const response = await generate(server, cookie, { prompt: CANARY, captcha: 'ACDEH' });
    expect(response.statusCode).toBe(status);
    expect(response.result).toMatchObject({ code });
    expect(response.payload).not.toContain('canary');
  });

  it('busy carries Retry-After', async () => {
    const provider = scriptedProvider(async () => { throw new UpstreamError('busy', 'status 429', { retryAfter: 12 }); });
    const { server, cookie } = await solved({ provider });
    const response = await generate(server, cookie, { prompt: 'a', captcha: 'ACDEH' });
    expect(response.headers['retry-after']).toBe('12');
  });

  it('a provider that hangs is cut off by the generation timeout → 504', async () => {
    const provider = scriptedProvider(() => new Promise(() => {}));
    const { server, cookie } = await solved({ provider, generationTimeoutMs: 50 });
    const response = await generate(server, cookie, { prompt: 'a', captcha: 'ACDEH' });
    expect(response.statusCode).toBe(504);
    expect(response.result).toMatchObject({ code: 'provider_timeout' });
  });

  it('an image of the wrong shape → 502', async () => {
    const provider = scriptedProvider(async () => ({ bytes: await sharp({ create: { width: 300, height: 100, channels: 3, background: '#000' } }).png().toBuffer(), mimeType: 'image/png', seed: 1 }));
    const { server, cookie } = await solved({ provider });
    expect((await generate(server, cookie, { prompt: 'a', captcha: 'ACDEH' })).statusCode).toBe(502);
  });
});

describe('in-flight limit', () => {
  it('beyond maxInFlight plus the queue → 503 overloaded with Retry-After, captcha not spent', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const image = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } }).png().toBuffer();
    const provider = scriptedProvider(async () => {
      await gate;
      return { bytes: image, mimeType: 'image/png', seed: 1 };
    });
    const captchaStore = new MemoryCaptchaStore();
    const server = await testServer({ provider, maxInFlight: 1, maxQueued: 1, maxInFlightPerClient: 3, captchaStore });
    const sessions = await Promise.all([0, 1, 2].map(() => issueCaptcha(server)));
    const first = generate(server, sessions[0]!.cookie, { prompt: 'a', captcha: 'ACDEH' });
    const second = generate(server, sessions[1]!.cookie, { prompt: 'a', captcha: 'ACDEH' });
    // The first is at the provider and the second has spent its captcha, so it holds the queue's place.
    await vi.waitFor(() => {
      expect(provider.calls).toHaveLength(1);
      expect(captchaStore.size).toBe(1);
    });
    const third = await generate(server, sessions[2]!.cookie, { prompt: 'a', captcha: 'ACDEH' });
    expect(third.statusCode).toBe(503);
    expect(third.result).toMatchObject({ code: 'overloaded' });
    expect(third.headers['retry-after']).toBeDefined();
    release();
    expect((await first).statusCode).toBe(200);
    expect((await second).statusCode).toBe(200);
    expect((await generate(server, sessions[2]!.cookie, { prompt: 'a', captcha: 'ACDEH' })).statusCode).toBe(200);
  });
});
