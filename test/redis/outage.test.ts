import type { Server, ServerInjectResponse } from '@hapi/hapi';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, startRedis, type TestRedis } from '../helpers/redis.js';
import { generate, issueCaptcha } from '../helpers/server.js';
import { ANSWER, cluster, codeOf, untilReady, type Cluster } from './cluster.js';

let redis: TestRedis | undefined;
let open: Cluster | undefined;

afterEach(async () => {
  await open?.close();
  await redis?.stop();
  open = undefined;
  redis = undefined;
});

/** Every route that needs the session, with and without a session. */
function sessionRoutes(server: Server, cookie: string): Array<Promise<ServerInjectResponse>> {
  return [
    server.inject('/api/v1/captcha'),
    server.inject({ url: '/api/v1/captcha', headers: { cookie } }),
    server.inject({ url: '/api/v1/captcha/audio', headers: { cookie } }),
    generate(server, cookie, { prompt: 'a fox', captcha: ANSWER, pow: WELL_FORMED_POW }),
    generate(server, '', { prompt: 'a fox', captcha: ANSWER, pow: WELL_FORMED_POW }),
  ];
}

/** Passes validation, so the request goes as far as the store. */
const WELL_FORMED_POW = {
  algorithm: 'PBKDF2-SHA-256',
  salt: 'A'.repeat(22),
  iterations: 1000,
  maxNumber: 0,
  key: 'A'.repeat(43),
  expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
  signature: 'A'.repeat(43),
  number: 0,
};

function expectStoreUnavailable(responses: ServerInjectResponse[]) {
  for (const response of responses) {
    expect(response.statusCode).toBe(503);
    expect(codeOf(response)).toBe('store_unavailable');
    expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
    expect(response.headers['cache-control']).toBe('no-store');
  }
}

describe('Redis down at start', () => {
  it('the server still starts, reports not ready, refuses with 503, and serves once Redis is up', async () => {
    const port = await freePort();
    open = await cluster(`redis://127.0.0.1:${port}`, 1);
    const [server] = open.servers;
    await server!.start();

    const health = await server!.inject('/api/v1/health');
    expect(health.statusCode).toBe(503);
    expect(health.result).toMatchObject({ ready: false, store: 'redis', status: 'unavailable' });
    expectStoreUnavailable(await Promise.all(sessionRoutes(server!, '')));
    expect(open.provider.calls).toHaveLength(0);

    redis = await startRedis(port);
    await untilReady(server!);
    const { cookie } = await issueCaptcha(server!);
    expect((await generate(server!, cookie, { prompt: 'a fox', captcha: ANSWER })).statusCode).toBe(200);
  });
});

describe('Redis outage while serving', () => {
  it('answers 503 store_unavailable on every session route, never spends or skips a captcha, and resumes', async () => {
    redis = await startRedis();
    open = await cluster(redis.url, 2);
    const [a, b] = open.servers;
    await untilReady(a!);
    await untilReady(b!);
    const { cookie } = await issueCaptcha(a!);

    await redis.stop();
    for (const server of [a!, b!]) {
      expect((await server.inject('/api/v1/health')).statusCode).toBe(503);
      // Alive all the same: an orchestrator must not restart instances for Redis's outage.
      expect((await server.inject('/api/v1/health/live')).statusCode).toBe(200);
      expectStoreUnavailable(await Promise.all(sessionRoutes(server, cookie)));
    }
    expect(open.provider.calls).toHaveLength(0);
    // Routes that do not need the session never touch the store, even when a session cookie comes along.
    expect((await a!.inject({ url: '/api/v1/openapi.json', headers: { cookie } })).statusCode).toBe(200);

    await redis.start();
    await untilReady(a!);
    await untilReady(b!);
    // The restarted Redis kept nothing: the old answer is gone, so it is refused, not skipped.
    expect(codeOf(await generate(b!, cookie, { prompt: 'a fox', captcha: ANSWER }))).toBe('captcha_missing');
    const fresh = await issueCaptcha(b!);
    expect((await generate(a!, fresh.cookie, { prompt: 'a fox', captcha: ANSWER })).statusCode).toBe(200);
    expect(open.provider.calls).toHaveLength(1);
  });

  it('answers 503 instead of hanging while Redis accepts connections but does not answer', async () => {
    redis = await startRedis();
    open = await cluster(redis.url, 1);
    const [server] = open.servers;
    await untilReady(server!);
    const { cookie } = await issueCaptcha(server!);

    redis.freeze();
    try {
      expect((await server!.inject('/api/v1/health')).statusCode).toBe(503);
      expectStoreUnavailable(await Promise.all(sessionRoutes(server!, cookie)));
    } finally {
      redis.thaw();
    }
    expect(open.provider.calls).toHaveLength(0);

    await untilReady(server!);
    // The frozen Redis kept its data: the pending answer was never spent, so it still works once.
    expect((await generate(server!, cookie, { prompt: 'a fox', captcha: ANSWER })).statusCode).toBe(200);
    expect(codeOf(await generate(server!, cookie, { prompt: 'a fox', captcha: ANSWER }))).toBe('captcha_missing');
  });

  it('Redis restarting during a generation: the image, already paid for with the answer, is still delivered', async () => {
    const restarting = (redis = await startRedis());
    open = await cluster(restarting.url, 1, { beforeGenerate: () => restarting.stop() });
    const [server] = open.servers;
    await untilReady(server!);
    const { cookie } = await issueCaptcha(server!);

    // yar's save of the session fails after the handler; that must neither turn into a 500 nor
    // drop the headers every response gets.
    const response = await generate(server!, cookie, { prompt: 'a fox', captcha: ANSWER });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers['x-content-type-options']).toBe('nosniff');

    await restarting.start();
    await untilReady(server!);
    expect(codeOf(await generate(server!, cookie, { prompt: 'a fox', captcha: ANSWER }))).toBe('captcha_missing');
    expect(open.provider.calls).toHaveLength(1);
  });
});
