import type { Server } from '@hapi/hapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeWav } from '../../api/captcha/wav.js';
import { createServer, type CreateServerOptions } from '../../api/server.js';
import { fixedCaptcha } from '../helpers/server.js';

// Issue 14: ~60 clips queued at once from 4 addresses made a victim on a fifth get 500 after 8 s.
const FLOODERS = ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5'];
const SESSIONS_PER_FLOODER = 4;
const PLAYS_PER_SESSION = 4;
const VICTIM = '127.0.0.9';

async function start(options: CreateServerOptions = {}): Promise<{ server: Server; base: string }> {
  // One trusted proxy: each request's X-Forwarded-For entry is its client, as behind nginx.
  const server = await createServer({ host: '127.0.0.1', port: 0, site: false, captcha: fixedCaptcha(), trustedProxies: 1, captchaPerMinute: 100, maxEventLoopDelayMs: 0, ...options });
  await server.start();
  return { server, base: server.info.uri };
}

async function session(base: string, address: string): Promise<string> {
  const response = await fetch(`${base}/api/v1/captcha`, { headers: { 'x-forwarded-for': address } });
  expect(response.status).toBe(200);
  return response.headers.get('x-imageka-session')!;
}

function play(base: string, address: string, sealed: string): Promise<Response> {
  return fetch(`${base}/api/v1/captcha/audio`, { headers: { 'x-forwarded-for': address, 'x-imageka-session': sealed } });
}

async function flood(base: string): Promise<Promise<Response>[]> {
  const sessions = await Promise.all(FLOODERS.flatMap((address) => Array.from({ length: SESSIONS_PER_FLOODER }, async () => ({ address, sealed: await session(base, address) }))));
  return sessions.flatMap(({ address, sealed }) => Array.from({ length: PLAYS_PER_SESSION }, () => play(base, address, sealed)));
}

describe('the spoken captcha under a flood from other clients', () => {
  let running: { server: Server; base: string };
  beforeAll(async () => {
    running = await start();
  });
  afterAll(() => running.server.stop());

  it("still speaks a victim's clip, and answers every flooding request 200, 429 or 503, never 500", async () => {
    const victimSession = await session(running.base, VICTIM);
    const flooding = await flood(running.base);
    const victim = await play(running.base, VICTIM, victimSession);
    expect(victim.status).toBe(200);
    const pcm = decodeWav(new Uint8Array(await victim.arrayBuffer()));
    expect(pcm.samples.length / pcm.sampleRate).toBeGreaterThan(2);

    const answers = await Promise.all(flooding);
    const statuses = answers.map((response) => response.status);
    expect(statuses).toHaveLength(FLOODERS.length * SESSIONS_PER_FLOODER * PLAYS_PER_SESSION);
    expect(statuses.filter((status) => ![200, 429, 503].includes(status))).toEqual([]);
    // Each flooder gets its share (2 clips at a time) and no more: most of the flood is refused at once.
    const refused = await Promise.all(answers.filter((response) => response.status !== 200).map((response) => response.json()));
    expect(refused.length).toBeGreaterThan(statuses.length / 2);
    for (const body of refused) expect(['rate_limited', 'overloaded']).toContain(body.code);
    expect(answers.filter((response) => response.status !== 200).every((response) => Number(response.headers.get('retry-after')) >= 1)).toBe(true);
  }, 180_000);
});

describe('the spoken captcha with a full queue', () => {
  let running: { server: Server; base: string };
  beforeAll(async () => {
    running = await start({ speechPool: { threads: 1, queueLimit: 1 } });
  });
  afterAll(() => running.server.stop());

  it('answers 503 overloaded with Retry-After, never 500, and speaks again once the queue drains', async () => {
    const answers = await Promise.all(await flood(running.base));
    const statuses = answers.map((response) => response.status);
    expect(statuses).toContain(503);
    expect(statuses.filter((status) => ![200, 429, 503].includes(status))).toEqual([]);
    const overloaded = answers.find((response) => response.status === 503)!;
    expect(await overloaded.json()).toMatchObject({ code: 'overloaded' });
    expect(Number(overloaded.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const after = await play(running.base, VICTIM, await session(running.base, VICTIM));
    expect(after.status).toBe(200);
  }, 180_000);
});
