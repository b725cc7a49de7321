import type { Server } from '@hapi/hapi';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryCaptchaStore } from '../../api/captcha/store.js';
import { UpstreamError } from '../../api/providers/types.js';
import { createServer, type CreateServerOptions } from '../../api/server.js';
import { fixedCaptcha, generate, issueCaptcha, manualClock, scriptedProvider } from '../helpers/server.js';

const running: Server[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.stop({ timeout: 1000 })));
});

async function started(options: CreateServerOptions): Promise<Server> {
  const server = await createServer({ host: '127.0.0.1', port: 0, site: false, captcha: fixedCaptcha(), maxEventLoopDelayMs: 0, ...options });
  await server.start();
  running.push(server);
  return server;
}

async function scrape(server: Server): Promise<string> {
  const response = await fetch(server.plugins['imageka-metrics'].url()!);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return response.text();
}

/** The value of one series, e.g. `imageka_captchas_total{event="issued"}`. */
function value(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('metrics', () => {
  it('are off unless a port is given: no listener, nothing on the public port', async () => {
    const server = await started({});
    expect(server.plugins['imageka-metrics'].url()).toBeUndefined();
    expect((await fetch(`${server.info.uri}/metrics`)).status).toBe(404);
  });

  it('listen on their own port and interface only, and stop with the server', async () => {
    const server = await started({ metrics: { port: 0 } });
    const url = server.plugins['imageka-metrics'].url()!;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    expect(new URL(url).port).not.toBe(String(server.info.port));
    expect((await fetch(`${server.info.uri}/metrics`)).status).toBe(404);
    expect((await fetch(url.replace('/metrics', '/'))).status).toBe(404);
    await server.stop();
    await expect(fetch(url)).rejects.toThrow();
  });

  it('count captchas issued, spoken, and spent right, wrong or expired', async () => {
    const clock = manualClock();
    const server = await started({ metrics: { port: 0 }, now: clock, captchaAudio: async () => Buffer.from('RIFF') });
    const right = await issueCaptcha(server);
    expect((await generate(server, right.cookie, { prompt: 'a', captcha: 'ACDEH' })).statusCode).toBe(200);
    const wrong = await issueCaptcha(server);
    expect((await generate(server, wrong.cookie, { prompt: 'a', captcha: 'XXXXX' })).statusCode).toBe(403);
    const spoken = await issueCaptcha(server);
    expect((await server.inject({ url: '/api/v1/captcha/audio', headers: { cookie: spoken.cookie } })).statusCode).toBe(200);
    clock.advance(11 * 60 * 1000);
    expect((await generate(server, spoken.cookie, { prompt: 'a', captcha: 'ACDEH' })).statusCode).toBe(403);

    const text = await scrape(server);
    expect(value(text, 'imageka_captchas_total{event="issued"}')).toBe(3);
    expect(value(text, 'imageka_captchas_total{event="spent"}')).toBe(3);
    expect(value(text, 'imageka_captchas_total{event="right"}')).toBe(1);
    expect(value(text, 'imageka_captchas_total{event="wrong"}')).toBe(1);
    expect(value(text, 'imageka_captchas_total{event="expired"}')).toBe(1);
    expect(value(text, 'imageka_captchas_spoken_total')).toBe(1);
  });

  it('count generations by provider and outcome code, with their duration, and rate-limited requests by route', async () => {
    let fail = false;
    const image = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } }).png().toBuffer();
    const provider = scriptedProvider(async (input) => {
      if (fail) throw new UpstreamError('error', 'upstream 500');
      return { bytes: image, mimeType: 'image/png', seed: input.seed };
    }, 'fake-upstream');
    const server = await started({ metrics: { port: 0 }, provider, generateLimit: 2 });
    for (const failing of [false, true, false]) {
      fail = failing;
      const { cookie } = await issueCaptcha(server);
      await generate(server, cookie, { prompt: 'a', captcha: 'ACDEH' });
    }
    const text = await scrape(server);
    expect(value(text, 'imageka_generations_total{provider="fake-upstream",outcome="ok"}')).toBe(1);
    expect(value(text, 'imageka_generations_total{provider="fake-upstream",outcome="provider_error"}')).toBe(1);
    expect(value(text, 'imageka_generation_duration_seconds_count{provider="fake-upstream",outcome="ok"}')).toBe(1);
    expect(value(text, 'imageka_rate_limited_total{route="/api/v1/generate"}')).toBe(1);
  });

  it('show generations in flight and queued while they run, and overloaded refusals', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const image = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } }).png().toBuffer();
    const provider = scriptedProvider(async (input) => {
      await gate;
      return { bytes: image, mimeType: 'image/png', seed: input.seed };
    });
    const captchaStore = new MemoryCaptchaStore();
    const server = await started({ metrics: { port: 0 }, provider, captchaStore, maxInFlight: 1, maxQueued: 1, maxInFlightPerClient: 3 });
    const sessions = await Promise.all([0, 1, 2].map(() => issueCaptcha(server)));
    const pending = sessions.slice(0, 2).map(({ cookie }) => generate(server, cookie, { prompt: 'a', captcha: 'ACDEH' }));
    await expect.poll(() => provider.calls.length === 1 && captchaStore.size === 1).toBe(true);
    expect((await generate(server, sessions[2]!.cookie, { prompt: 'a', captcha: 'ACDEH' })).statusCode).toBe(503);
    const busy = await scrape(server);
    expect(value(busy, 'imageka_generations_in_flight')).toBe(1);
    expect(value(busy, 'imageka_generations_queued')).toBe(1);
    expect(value(busy, 'imageka_generations_total{provider="scripted",outcome="overloaded"}')).toBe(1);
    release();
    await Promise.all(pending);
    const idle = await scrape(server);
    expect(value(idle, 'imageka_generations_in_flight')).toBe(0);
    expect(value(idle, 'imageka_generations_queued')).toBe(0);
  });

  it('include the process defaults and event-loop lag; Redis, budget and proof-of-work gauges only when they exist', async () => {
    const memory = await scrape(await started({ metrics: { port: 0 } }));
    for (const name of ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes']) {
      expect(memory).toMatch(new RegExp(`^${name} `, 'm'));
    }
    expect(memory).not.toMatch(/^imageka_redis_up /m);
    let up = true;
    const redis = await scrape(await started({ metrics: { port: 0 }, store: 'redis', isReady: () => up }));
    expect(value(redis, 'imageka_redis_up')).toBe(1);
    up = false;
    expect(value(await scrape(running.at(-1)!), 'imageka_redis_up')).toBe(0);
  });

  it('show the proof-of-work difficulty, and what the budget has left once one is set', async () => {
    const unbudgeted = await scrape(await started({ metrics: { port: 0 }, powMinCost: 2000, powMaxCost: 8000 }));
    expect(value(unbudgeted, 'imageka_pow_difficulty')).toBe(2000);
    expect(unbudgeted).not.toMatch(/^imageka_budget_left /m);
    const server = await started({ metrics: { port: 0 }, generationBudgetPerHour: 3, generationBudgetPerDay: 10, provider: scriptedProvider(async (input) => ({ bytes: await sharp({ create: { width: 8, height: 8, channels: 3, background: '#345' } }).png().toBuffer(), mimeType: 'image/png', seed: input.seed })) });
    expect(value(await scrape(server), 'imageka_budget_left')).toBe(3);
    const { cookie } = await issueCaptcha(server);
    expect((await generate(server, cookie, { prompt: 'a fox', captcha: 'ACDEH' })).statusCode).toBe(200);
    expect(value(await scrape(server), 'imageka_budget_left')).toBe(2);
  });
});
