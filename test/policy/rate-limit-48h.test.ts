import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MemoryWindowCounter } from '../../api/limits/window-counter.js';
import { MAX_LIMIT_WINDOW_MS } from '../../api/policy.js';
import { redisDependencies, type RedisDependencies } from '../../api/redis/index.js';
import { createServer } from '../../api/server.js';
import { generate, issueCaptcha, manualClock, testServer, withPow } from '../helpers/server.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';
import { recordingCache } from './support.js';

const HOUR = 60 * 60 * 1000;
const LIMIT = 48 * HOUR;

describe('Claim 7: rate-limit records are gone within 48 hours', () => {
  it('caps every limit window at 48 hours', async () => {
    expect(MAX_LIMIT_WINDOW_MS).toBe(LIMIT);
    await expect(createServer({ port: 0, site: false, generateWindowMs: LIMIT + 1 })).rejects.toThrow(/generateWindowMs/);
    expect(() => redisDependencies('redis://127.0.0.1:1', { generateWindowMs: LIMIT + 1 })).toThrow(RangeError);
  });

  it.each([HOUR, LIMIT])('forgets in-memory generation counts when their %i ms window ends', async (windowMs) => {
    const clock = manualClock();
    const counter = new MemoryWindowCounter(windowMs, clock);
    const server = await testServer({ now: clock, generationCounter: counter, generateWindowMs: windowMs });
    for (const client of ['198.51.100.1', '198.51.100.2']) {
      const { cookie } = await issueCaptcha(server, {});
      await server.inject({ method: 'POST', url: '/api/v1/generate', headers: { cookie }, payload: await withPow(cookie, { prompt: 'a', captcha: 'ACDEH' }), remoteAddress: client });
    }
    expect(counter.size).toBe(2);
    clock.advance(windowMs - 1);
    expect(counter.size).toBe(2);
    clock.advance(1);
    expect(counter.size).toBe(0);
  });

  it('writes the captcha limit records (hapi-rate-limit) to expire after a minute', async () => {
    const { cache, writes } = recordingCache();
    const server = await testServer({ cache });
    const { cookie } = await issueCaptcha(server);
    await server.inject({ url: '/api/v1/captcha/audio', headers: { cookie } });
    const limits = writes.filter((write) => write.segment.startsWith('hapi-rate-limit'));
    expect(limits.length).toBeGreaterThan(0);
    for (const write of limits) expect(write.ttl).toBeLessThanOrEqual(60 * 1000);
  });

  describe('with Redis shared by several instances', () => {
    let redis: TestRedis;
    let deps: RedisDependencies;

    beforeAll(async () => {
      redis = await startRedis();
      deps = redisDependencies(redis.url, { generateWindowMs: LIMIT });
      await vi.waitFor(async () => expect(await deps.isReady()).toBe(true), { timeout: 5000, interval: 20 });
    });
    afterAll(async () => {
      await deps?.close();
      await redis?.stop();
    });

    it('gives every key an expiry of at most 48 hours: counters, limit records, the budget, sessions and captchas', async () => {
      const { client, cache, captchaStore, generationCounter, budgetCounter, clientSlots } = deps;
      const server = await testServer({ cache, captchaStore, generationCounter, budgetCounter, clientSlots, generateWindowMs: LIMIT, generationBudgetPerDay: 100, generationBudgetPerHour: 10 });
      for (const captcha of ['ACDEH', 'WRONG']) {
        const { cookie } = await issueCaptcha(server);
        await generate(server, cookie, { prompt: 'a', captcha });
      }
      await issueCaptcha(server);
      const keys = await client.keys('*');
      expect(keys.some((key) => key.includes('generate'))).toBe(true);
      expect(keys.some((key) => key.includes('hapi-rate-limit'))).toBe(true);
      expect(keys.filter((key) => key.includes(':budget:'))).toHaveLength(2);
      for (const key of keys) {
        const ttl = await client.pttl(key);
        expect([key, ttl > 0 && ttl <= LIMIT]).toEqual([key, true]);
      }
    });
  });
});
