/**
 * The in-memory cache filled to its byte budget (by a few hundred addresses in real life; by one
 * test with a 16 KiB budget here): the oldest records go, nobody gets a 500.
 */
import Iron from '@hapi/iron';
import type { Server } from '@hapi/hapi';
import { afterEach, describe, expect, it } from 'vitest';
import { EvictingMemoryCache, type MemoryCacheOptions } from '../../api/cache/memory-engine.js';
import { generate, issueCaptcha, sessionCookie, testServer } from '../helpers/server.js';

const SECRET = 'full-cache-test-session-secret-0123456789';
const BUDGET = 16 * 1024;
/** README: "each live session is counted as 213 bytes: 4,922 per MiB". */
const SESSIONS_PER_MIB = 4922;

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

/** Each visitor from its own address, as in the attack: every one adds rate-limit records too. */
async function visit(server: Server, i: number) {
  const response = await server.inject({ url: '/api/v1/captcha', remoteAddress: `10.0.${i >> 8}.${i & 255}` });
  return { status: response.statusCode, cookie: response.statusCode === 200 ? sessionCookie(response) : '' };
}

async function idOf(cookie: string): Promise<string> {
  const sealed = cookie.slice('imageka_session='.length);
  return ((await Iron.unseal(sealed, SECRET, Iron.defaults)) as { id: string }).id;
}

describe('a full memory cache', () => {
  it('evicts the oldest sessions instead of failing: every captcha is a 200, and an evicted visitor still gets on', async () => {
    let engine: EvictingMemoryCache | undefined;
    class Watched extends EvictingMemoryCache {
      constructor(options: MemoryCacheOptions) {
        super(options);
        engine = this;
      }
    }
    const server = await testServer({
      cache: { name: 'small', provider: { constructor: Watched as never, options: { maxByteSize: BUDGET } as never } },
      sessionSecret: SECRET,
      captchaPerMinute: 100_000,
    });
    servers.push(server);
    const visitors: string[] = [];
    const statuses = new Set<number>();
    // 1.5 times what the budget holds.
    for (let i = 0; i < 120; i += 1) {
      const { status, cookie } = await visit(server, i);
      statuses.add(status);
      visitors.push(cookie);
    }
    expect([...statuses]).toEqual([200]);
    expect(engine!.usage.bytes).toBeLessThanOrEqual(BUDGET);

    const present = await Promise.all(visitors.map(async (cookie) => (await engine!.get({ segment: '!@hapi/yar', id: await idOf(cookie) })) !== null));
    // The oldest went first: once one visitor is kept, every later one is.
    const firstKept = present.indexOf(true);
    expect(firstKept).toBeGreaterThan(0);
    expect(present.slice(firstKept).every(Boolean)).toBe(true);
    // README's figure is what the budget holds when nothing else is in it; here every visitor
    // also left a rate-limit record, so fewer sessions fit, but never more.
    const kept = present.length - firstKept;
    expect(kept).toBeLessThanOrEqual(Math.floor((SESSIONS_PER_MIB * BUDGET) / (1024 * 1024)));
    expect(kept).toBeGreaterThan(10);

    // The first visitor's session is gone: a new captcha works, and so does spending it.
    const again = await issueCaptcha(server, { cookie: visitors[0]! });
    expect(again.response.statusCode).toBe(200);
    expect((await generate(server, again.cookie, { prompt: 'a lighthouse', captcha: 'ACDEH' })).statusCode).toBe(200);
  });

  it('is what createServer uses by default, at the configured size', async () => {
    const server = await testServer({ memoryCacheBytes: BUDGET, captchaPerMinute: 100_000 });
    servers.push(server);
    const statuses = new Set<number>();
    for (let i = 0; i < 120; i += 1) statuses.add((await visit(server, i)).status);
    expect([...statuses]).toEqual([200]);
  });
});
