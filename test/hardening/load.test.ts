import { pbkdf2Sync } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Server } from '@hapi/hapi';
import autocannon from 'autocannon';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createServer } from '../../api/server.js';
import { SESSION_HEADER, type PowChallenge } from '../../sdk/types.js';
import { CHEAP_POW, fixedCaptcha, scriptedProvider } from '../helpers/server.js';

const SECONDS = 20;
const CONNECTIONS = 100;
const CAPTCHA_LIMIT = 300;
const GENERATE_LIMIT = 40;
/**
 * What the heap may keep after the run: the 300 pending sessions (under 1 KB each) and noise.
 * A leak of 40 bytes per request would already exceed it over the 100,000+ requests sent.
 */
const HEAP_SLACK_BYTES = 4 * 1024 * 1024;

// vitest starts workers without --expose-gc; V8 still hands the function to a fresh context.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

async function settledHeap(): Promise<number> {
  for (let i = 0; i < 6; i += 1) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return process.memoryUsage().heapUsed;
}

async function start(captchaPerMinute: number, generateLimit: number): Promise<Server> {
  const image = await sharp({ create: { width: 1024, height: 1024, channels: 3, background: '#246' } }).webp().toBuffer();
  const server = await createServer({
    host: '127.0.0.1',
    port: 0,
    site: false,
    captcha: fixedCaptcha(),
    provider: scriptedProvider(async (input) => ({ bytes: image, mimeType: 'image/webp', seed: input.seed })),
    captchaPerMinute,
    generateLimit,
    // Within the limit every generation may wait its turn: the gate must not be what refuses,
    // nor the per-client in-flight limit (every connection comes from this one address).
    maxQueued: generateLimit,
    maxInFlightPerClient: CONNECTIONS,
    ...CHEAP_POW,
  });
  await server.start();
  return server;
}

/** The proof of work solved as the SDK does, synchronously (autocannon's hooks cannot wait). */
function solvedPow(challenge: PowChallenge) {
  const key = Buffer.from(challenge.key, 'base64url');
  for (let number = 0; number <= challenge.maxNumber; number += 1) {
    if (pbkdf2Sync(challenge.salt, String(number), challenge.iterations, key.length, 'sha256').equals(key)) return { ...challenge, number };
  }
  throw new Error('unsolvable proof of work');
}

/** Each connection is a visitor: load a captcha, answer it with a prompt, again and again. */
function visitors(server: Server, seconds: number, onStatus: (route: 'captcha' | 'generate', status: number) => void) {
  return autocannon({
    url: server.info.uri,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        method: 'GET',
        path: '/api/v1/captcha',
        onResponse: (status, body, context, headers) => {
          onStatus('captcha', status);
          context.session = status === 200 ? headers[SESSION_HEADER.toLowerCase()] : undefined;
          context.pow = status === 200 ? solvedPow((JSON.parse(body) as { pow: PowChallenge }).pow) : undefined;
        },
      },
      {
        method: 'POST',
        path: '/api/v1/generate',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ prompt: 'a kite over dunes', captcha: 'ACDEH' }),
        setupRequest: (request, context) => ({
          ...request,
          body: JSON.stringify({ prompt: 'a kite over dunes', captcha: 'ACDEH', pow: context.pow }),
          headers: { ...request.headers, ...(typeof context.session === 'string' ? { [SESSION_HEADER]: context.session } : {}) },
        }),
        onResponse: (status) => onStatus('generate', status),
      },
    ],
  });
}

let server: Server;

beforeAll(async () => {
  // The same load on a throwaway server first, so the baseline holds warm code and caches, not a cold start.
  const warm = await start(5, 2);
  await visitors(warm, 2, () => {});
  await warm.stop();
  server = await start(CAPTCHA_LIMIT, GENERATE_LIMIT);
}, 30_000);

afterAll(() => server.stop());

it(`holds ${SECONDS} s at ${CONNECTIONS} connections of captcha + generate: only 200 and 429, limits exact, heap back near its baseline`, { timeout: (SECONDS + 40) * 1000 }, async () => {
  const counts = { captcha: new Map<number, number>(), generate: new Map<number, number>() };
  const count = (route: keyof typeof counts, status: number) => counts[route].set(status, (counts[route].get(status) ?? 0) + 1);
  const baseline = await settledHeap();

  const result = await visitors(server, SECONDS, count);

  const statuses = new Set([...counts.captcha.keys(), ...counts.generate.keys()]);
  expect([...statuses].sort()).toEqual([200, 429]);
  expect(result.errors + result.timeouts).toBe(0);
  // Every success the limits allow, and not one more.
  expect(counts.captcha.get(200)).toBe(CAPTCHA_LIMIT);
  expect(counts.generate.get(200)).toBe(GENERATE_LIMIT);

  const after = await settledHeap();
  expect(after - baseline).toBeLessThan(HEAP_SLACK_BYTES);
  console.info(
    `load: ${result.requests.total} requests (${Math.round(result.requests.average)}/s), ` +
      `captcha ${JSON.stringify([...counts.captcha])}, generate ${JSON.stringify([...counts.generate])}, ` +
      `heap ${(baseline / 2 ** 20).toFixed(1)} → ${(after / 2 ** 20).toFixed(1)} MiB`,
  );
});
