import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { Imageka, IMAGE_SIZES, type GenerateEvent, type GenerateProgress } from '../../sdk/index.js';
import { ANSWER, clientOf, paintingProvider, startApi } from './harness.js';

describe('new Imageka(options)', () => {
  it.each([
    [undefined, /options\.baseUrl is required/],
    ['', /options\.baseUrl is required/],
    ['/relative', /absolute http\(s\) URL/],
    ['ftp://imageka.example', /must use http or https/],
    ['https://imageka.example/?x=1', /query or fragment/],
  ])('refuses baseUrl %s and says what to pass', (baseUrl, message) => {
    expect(() => new Imageka({ baseUrl } as never)).toThrow(message);
    expect(() => new Imageka({ baseUrl } as never)).toThrow(/new Imageka\(\{ baseUrl: "https:\/\/imageka\.example" \}\)/);
  });

  it('refuses a missing options object, bad numbers and a missing fetch, naming the option', () => {
    expect(() => new Imageka(undefined as never)).toThrow(/pass an options object/);
    expect(() => new Imageka({ baseUrl: 'https://a.example', timeout: 0 })).toThrow(/timeout must be a positive number/);
    expect(() => new Imageka({ baseUrl: 'https://a.example', maxRetries: -1 })).toThrow(/maxRetries must be a whole number/);
    expect(() => new Imageka({ baseUrl: 'https://a.example', fetch: 'nope' as never })).toThrow(/pass one as options\.fetch/);
  });

  it('documents its defaults in the values it holds, and keeps a path prefix', () => {
    const client = new Imageka({ baseUrl: 'https://imageka.example/prefix/' });
    expect(client).toMatchObject({
      baseUrl: 'https://imageka.example/prefix',
      timeout: 30_000,
      generateTimeout: 360_000,
      maxRetries: 2,
      maxRetryDelay: 10_000,
    });
  });
});

describe('Imageka against the real API', () => {
  it('loads a captcha, then generates an image as JSON with the answer', async () => {
    const { baseUrl } = await startApi();
    const { client, exchanges } = clientOf(baseUrl);
    const captcha = await client.captcha();
    expect(captcha.image).toMatch(/^data:image\/webp;base64,/);
    expect(Date.parse(captcha.expiresAt)).toBeGreaterThan(Date.now());
    const result = await client.generate({ prompt: 'a lighthouse', captcha: ANSWER.toLowerCase(), seed: 9, ...IMAGE_SIZES['16:9'] });
    expect(result).toMatchObject({ mimeType: 'image/webp', width: 1280, height: 720, seed: 9, provider: { name: 'offline', preview: true } });
    const meta = await sharp(Buffer.from(result.image.split(',')[1]!, 'base64')).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['webp', 1280, 720]);
    expect(exchanges.map((e) => `${e.method} ${new URL(e.url).pathname} ${e.status}`)).toEqual([
      'GET /api/v1/captcha 200',
      'POST /api/v1/generate 200',
    ]);
    expect(exchanges[1]!.request.get('accept')).toBe('application/json');
  });

  it('reports progress to onProgress from the event stream, then resolves with the result', async () => {
    const { baseUrl } = await startApi({ provider: paintingProvider(40) });
    const { client, exchanges } = clientOf(baseUrl);
    await client.captcha();
    const progress: GenerateProgress[] = [];
    const result = await client.generate({ prompt: 'a fox', captcha: ANSWER }, { onProgress: (p) => progress.push(p) });
    expect(result).toMatchObject({ width: 1024, height: 1024, provider: { name: 'scripted', preview: false } });
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress[0]!.elapsedMs).toBeGreaterThanOrEqual(0);
    expect(progress.some((p) => p.percent === 40)).toBe(true);
    expect(exchanges[1]!.request.get('accept')).toBe('text/event-stream');
    expect(exchanges[1]!.response!.get('content-type')).toMatch(/^text\/event-stream/);
  });

  it('tells onQueued its place in line while the server is busy, before any progress', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const painting = paintingProvider(50);
    const provider = { ...painting, generate: async (input: Parameters<typeof painting.generate>[0]) => (await held, painting.generate(input)) };
    const { server, baseUrl } = await startApi({ provider, maxInFlight: 1, maxInFlightPerClient: 2 });
    const first = clientOf(baseUrl).client;
    await first.captcha();
    const running = first.generate({ prompt: 'first', captcha: ANSWER });
    const { client } = clientOf(baseUrl);
    await client.captcha();
    const seen: string[] = [];
    const second = client.generate(
      { prompt: 'second', captcha: ANSWER },
      { onQueued: ({ position }) => seen.push(`queued ${position}`), onProgress: () => seen.push('progress') },
    );
    while (server.plugins['imageka-generate'].queued() === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    release();
    await running;
    expect(await second).toMatchObject({ width: 1024 });
    expect(seen[0]).toBe('queued 1');
    expect(seen.slice(1).every((entry) => entry === 'progress')).toBe(true);
    expect(seen.length).toBeGreaterThan(1);
  });

  it('generateStream yields progress events and exactly one result, last', async () => {
    const { baseUrl } = await startApi({ provider: paintingProvider(75) });
    const { client } = clientOf(baseUrl);
    await client.captcha();
    const events: GenerateEvent[] = [];
    for await (const event of client.generateStream({ prompt: 'a fox', captcha: ANSWER, seed: 3 })) events.push(event);
    const types = events.map((e) => e.type);
    expect(types.at(-1)).toBe('result');
    expect(types.filter((t) => t === 'result')).toHaveLength(1);
    expect(types.filter((t) => t === 'progress').length).toBeGreaterThanOrEqual(1);
    const last = events.at(-1)!;
    expect(last.type === 'result' && last.data.seed).toBe(3);
  });

  it('captchaAudio answers the pending captcha as a WAV Blob', async () => {
    const { baseUrl } = await startApi();
    const { client } = clientOf(baseUrl);
    await client.captcha();
    const audio = await client.captchaAudio();
    expect(audio).toBeInstanceOf(Blob);
    expect(audio.type).toBe('audio/wav');
    const bytes = new Uint8Array(await audio.arrayBuffer());
    expect(new TextDecoder().decode(bytes.slice(0, 4))).toBe('RIFF');
    expect(new TextDecoder().decode(bytes.slice(8, 12))).toBe('WAVE');
  });

  it('health resolves when ready and, without retrying, when not ready (503)', async () => {
    const ready = await startApi();
    expect(await clientOf(ready.baseUrl).client.health()).toEqual({
      status: 'ok',
      ready: true,
      provider: { name: 'offline', preview: true },
      store: 'memory',
    });
    const down = await startApi({ isReady: () => false });
    const { client, exchanges } = clientOf(down.baseUrl);
    expect(await client.health()).toMatchObject({ status: 'unavailable', ready: false });
    expect(exchanges.map((e) => e.status)).toEqual([503]);
  });
});
