import { request as httpRequest } from 'node:http';
import type { Server } from '@hapi/hapi';
import sharp from 'sharp';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CreateServerOptions } from '../../api/server.js';
import { createServer } from '../../api/server.js';
import { solvePow } from '../../sdk/pow.js';
import type { CaptchaResponse } from '../../sdk/types.js';
import { CHEAP_POW, fixedCaptcha, scriptedProvider } from '../helpers/server.js';

/*
 * The attack from issue 13: one client that solves 20 captchas used to fill MAX_IN_FLIGHT +
 * MAX_QUEUED (4 + 16) on an instance, so every other visitor got 503 overloaded for as long as
 * the image service took. Real HTTP from two loopback addresses (127.0.0.2 and 127.0.0.3), so
 * the server tells the clients apart exactly as it would in production, with no proxy header.
 */

const ANSWER = 'ACDEH';
const image = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#468' } }).png().toBuffer();

let server: Server | undefined;
afterEach(async () => {
  await server?.stop({ timeout: 100 });
  server = undefined;
});

/** A slow image service: each call waits until the test lets it finish, one by one or all. */
function slowProvider() {
  const waiting: Array<() => void> = [];
  let all = false;
  const provider = scriptedProvider(async () => {
    if (!all) await new Promise<void>((resolve) => waiting.push(resolve));
    return { bytes: image, mimeType: 'image/png', seed: 1 };
  });
  return {
    provider,
    finishOldest: () => waiting.shift()?.(),
    finishAll: () => {
      all = true;
      for (const finish of waiting.splice(0)) finish();
    },
  };
}

async function start(options: CreateServerOptions) {
  server = await createServer({ host: '127.0.0.1', port: 0, captcha: fixedCaptcha(ANSWER), maxEventLoopDelayMs: 0, site: false, ...CHEAP_POW, ...options });
  await server.start();
  return server;
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTP exchange from `localAddress`. */
function exchange(from: string, method: string, path: string, headers: Record<string, string> = {}, body?: object): Promise<Answer> {
  const { port } = server!.info;
  return new Promise((resolve, reject) => {
    const call = httpRequest({ host: '127.0.0.1', port, localAddress: from, method, path, headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) } }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body: text }));
    });
    call.on('error', reject);
    call.end(body ? JSON.stringify(body) : undefined);
  });
}

/** A visitor at `from` with a solved captcha. */
async function solvedCaptcha(from: string) {
  const captcha = await exchange(from, 'GET', '/api/v1/captcha');
  expect(captcha.status).toBe(200);
  const cookie = String(captcha.headers['set-cookie']).split(';')[0]!;
  const pow = await solvePow((JSON.parse(captcha.body) as CaptchaResponse).pow);
  return (prompt: string, headers: Record<string, string> = {}) => exchange(from, 'POST', '/api/v1/generate', { cookie, ...headers }, { prompt, captcha: ANSWER, pow });
}

/** Waits, polling, until `condition` holds. */
const until = (condition: () => boolean, what: string) =>
  vi.waitFor(() => {
    if (!condition()) throw new Error(`not yet: ${what}`);
  }, { timeout: 10_000, interval: 10 });

const code = (answer: Answer) => (JSON.parse(answer.body) as { code?: string }).code;

describe('one client with 20 solved captchas and a slow image service', () => {
  it('leaves a second client able to generate (default limits: 4 in flight, 16 queued, 1 per client)', async () => {
    const slow = slowProvider();
    await start({ provider: slow.provider });
    const attacker = await Promise.all(Array.from({ length: 20 }, () => solvedCaptcha('127.0.0.2')));
    const attacks = attacker.map((send, i) => send(`attack ${i}`));
    await until(() => slow.provider.calls.length === 1, 'the first attack reached the image service');
    const visitor = await solvedCaptcha('127.0.0.3');
    const visit = visitor('a lighthouse at dawn');
    await until(() => slow.provider.calls.some((call) => call.prompt === 'a lighthouse at dawn'), "the visitor's generation started");
    slow.finishAll();
    const answer = await visit;
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ width: 1024, height: 1024 });
    const results = await Promise.all(attacks);
    expect(results.filter((result) => result.status === 200)).toHaveLength(1);
    expect(results.filter((result) => result.status === 429).map(code)).toEqual(Array(19).fill('concurrent_limit'));
    expect(slow.provider.calls).toHaveLength(2);
  });

  it('with the per-client limit raised to 8, the fair queue still puts the second client next', async () => {
    const slow = slowProvider();
    const running = await start({ provider: slow.provider, maxInFlightPerClient: 8 });
    const attacker = await Promise.all(Array.from({ length: 8 }, () => solvedCaptcha('127.0.0.2')));
    const attacks = attacker.map((send, i) => send(`attack ${i}`));
    await until(() => slow.provider.calls.length === 4 && running.plugins['imageka-generate'].queued() === 4, '4 attacks running, 4 queued');
    const visitor = await solvedCaptcha('127.0.0.3');
    const visit = visitor('a lighthouse at dawn', { accept: 'text/event-stream' });
    await until(() => running.plugins['imageka-generate'].queued() === 5, 'the visitor queued');
    // One slot frees: it goes to the visitor, not to the attacker's requests queued before it.
    slow.finishOldest();
    await until(() => slow.provider.calls.length === 5, 'the next generation started');
    expect(slow.provider.calls[4]!.prompt).toBe('a lighthouse at dawn');
    slow.finishAll();
    const events = [...(await visit).body.matchAll(/event: (\w+)\ndata: (.*)\n\n/g)].map((m) => [m[1], JSON.parse(m[2]!)]);
    expect(events[0]).toEqual(['queued', { position: 1 }]);
    expect(events.at(-1)![0]).toBe('result');
    expect((await Promise.all(attacks)).map((result) => result.status)).toEqual(Array(8).fill(200));
  });
});
