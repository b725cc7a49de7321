import Boom from '@hapi/boom';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { codeOf } from '../../api/errors.js';
import { RedisCaptchaStore } from '../../api/redis/captcha-store.js';
import { closeRedis, connectRedis, redisIsReady } from '../../api/redis/connection.js';
import { RedisWindowCounter } from '../../api/redis/window-counter.js';
import { freePort, startRedis, type TestRedis } from '../helpers/redis.js';

let redis: TestRedis;
let one: Redis;
let two: Redis;
let partitions = 0;
const partition = () => `stores${process.pid}-${++partitions}`;

async function connected(url: string): Promise<Redis> {
  const client = connectRedis(url);
  while (!(await redisIsReady(client))) await new Promise((resolve) => setTimeout(resolve, 20));
  return client;
}

beforeAll(async () => {
  redis = await startRedis();
  [one, two] = await Promise.all([connected(redis.url), connected(redis.url)]);
});
afterAll(async () => {
  await Promise.all([one, two].map((client) => client && closeRedis(client)));
  await redis?.stop();
});

describe('RedisCaptchaStore', () => {
  it('stores, peeks without consuming, and takes exactly once', async () => {
    const store = new RedisCaptchaStore(one, partition());
    await store.put('s1', { answer: 'acdeh', expiresAt: 123 }, 60_000);
    expect(await store.peek('s1')).toEqual({ answer: 'acdeh', expiresAt: 123 });
    expect(await store.take('s1')).toEqual({ answer: 'acdeh', expiresAt: 123 });
    expect(await store.take('s1')).toBeNull();
    expect(await store.peek('s1')).toBeNull();
  });

  it('a new captcha replaces the pending one, and every record expires in Redis by itself', async () => {
    const name = partition();
    const store = new RedisCaptchaStore(one, name);
    await store.put('s1', { answer: 'first', expiresAt: 1 }, 60_000);
    await store.put('s1', { answer: 'second', expiresAt: 2 }, 60_000);
    const ttl = await one.pttl(`${name}:captcha:s1`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
    expect(await store.take('s1')).toMatchObject({ answer: 'second' });
  });

  it('of 20 parallel takes through two connections, exactly one gets the answer', async () => {
    const name = partition();
    const [a, b] = [new RedisCaptchaStore(one, name), new RedisCaptchaStore(two, name)];
    await a.put('race', { answer: 'acdeh', expiresAt: 1 }, 60_000);
    const taken = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).take('race')));
    expect(taken.filter(Boolean)).toHaveLength(1);
  });

  it('reads a malformed record as no captcha pending', async () => {
    const name = partition();
    await one.set(`${name}:captcha:bad`, '{"answer":42}');
    expect(await new RedisCaptchaStore(one, name).take('bad')).toBeNull();
  });
});

describe('RedisWindowCounter', () => {
  it('counts every one of 200 parallel hits through two connections', async () => {
    const name = partition();
    const [a, b] = [new RedisWindowCounter(one, name, 60_000), new RedisWindowCounter(two, name, 60_000)];
    const hits = await Promise.all(Array.from({ length: 200 }, (_, i) => (i % 2 ? a : b).hit('198.51.100.7')));
    expect(hits.map((hit) => hit.count).sort((x, y) => x - y)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
  });

  it('the window is fixed: later hits do not extend it, and the key never outlives it', async () => {
    const name = partition();
    const counter = new RedisWindowCounter(one, name, 60_000);
    const first = await counter.hit('k');
    expect(first.resetAt - Date.now()).toBeLessThanOrEqual(60_000);
    const ttlAfterFirst = await one.pttl(`${name}:generate:k`);
    // Hit again once the TTL has visibly run down: a hit that extended the window would raise it.
    let ttlBefore = ttlAfterFirst;
    await vi.waitFor(async () => {
      ttlBefore = await one.pttl(`${name}:generate:k`);
      expect(ttlBefore).toBeLessThan(ttlAfterFirst);
    });
    await counter.hit('k');
    expect(await one.pttl(`${name}:generate:k`)).toBeLessThanOrEqual(ttlBefore);
  });

  it('a key left without expiry gets one on the next hit', async () => {
    const name = partition();
    await one.set(`${name}:generate:k`, '7');
    const hit = await new RedisWindowCounter(one, name, 60_000).hit('k');
    expect(hit.count).toBe(8);
    expect(await one.pttl(`${name}:generate:k`)).toBeGreaterThan(0);
  });

  it('starts counting again once the window has passed', async () => {
    const counter = new RedisWindowCounter(one, partition(), 50);
    expect((await counter.hit('k')).count).toBe(1);
    expect((await counter.hit('k')).count).toBe(2);
    let count = 0;
    do {
      await new Promise((resolve) => setTimeout(resolve, 25));
      count = (await counter.hit('k')).count;
    } while (count > 1);
    expect(count).toBe(1);
  });
});

describe('without Redis', () => {
  it('every store operation fails at once with 503 store_unavailable', async () => {
    const client = connectRedis(`redis://127.0.0.1:${await freePort()}`);
    try {
      const store = new RedisCaptchaStore(client, 'down');
      const counter = new RedisWindowCounter(client, 'down', 60_000);
      for (const attempt of [store.put('s', { answer: 'a', expiresAt: 1 }, 1000), store.take('s'), store.peek('s'), counter.hit('k')]) {
        const error = await attempt.then(() => null, (reason: unknown) => reason);
        expect(Boom.isBoom(error) && error.output.statusCode).toBe(503);
        expect(codeOf(error as Boom.Boom)).toBe('store_unavailable');
      }
      expect(await redisIsReady(client)).toBe(false);
    } finally {
      await closeRedis(client);
    }
  });
});
