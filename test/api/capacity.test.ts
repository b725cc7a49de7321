import type { Server } from '@hapi/hapi';
import sharp from 'sharp';
import { describe, expect, it, vi } from 'vitest';
import { MemoryClientSlots } from '../../api/limits/client-slots.js';
import { UpstreamError } from '../../api/providers/types.js';
import type { CreateServerOptions } from '../../api/server.js';
import { generate, issueCaptcha, manualClock, scriptedProvider, testServer, withPow } from '../helpers/server.js';

const ANSWER = 'ACDEH';
const image = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#246' } }).png().toBuffer();
const picture = async () => ({ bytes: image, mimeType: 'image/png', seed: 1 });

/** A provider whose calls wait until `release()`; `calls` records each one as it reaches it. */
function heldProvider() {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const provider = scriptedProvider(async () => {
    await held;
    return picture();
  });
  return { provider, release };
}

/** Visitors from distinct addresses, behind one trusted proxy. */
async function service(options: CreateServerOptions = {}) {
  const server = await testServer({ trustedProxies: 1, captchaPerMinute: 1000, ...options });
  const from = (n: number) => ({ 'x-forwarded-for': `198.51.100.${n}` });
  const visitor = async (n: number) => {
    const { cookie } = await issueCaptcha(server, from(n));
    return {
      cookie,
      generate: (payload: object = { prompt: `from ${n}`, captcha: ANSWER }, headers: Record<string, string> = {}) =>
        generate(server, cookie, payload, { ...from(n), ...headers }),
    };
  };
  return { server, visitor };
}

const codeOf = (response: { result?: unknown }) => (response.result as { code?: string } | null)?.code;

/** Waits, polling, until `condition` holds. */
const until = (condition: () => boolean, what: string) =>
  vi.waitFor(() => {
    if (!condition()) throw new Error(`not yet: ${what}`);
  }, { timeout: 10_000, interval: 10 });

const load = (server: Server) => ({ inFlight: server.plugins['imageka-generate'].inFlight(), queued: server.plugins['imageka-generate'].queued() });

describe('the generation budget', () => {
  it('per hour: the next one is 503 capacity_reached until the clock hour ends, nothing goes upstream, the captcha stays usable', async () => {
    const clock = manualClock(Date.UTC(2026, 0, 1, 13, 10));
    const provider = scriptedProvider(picture);
    const { visitor } = await service({ provider, now: clock, captchaTtlMs: 2 * 3600_000, sessionTtlMs: 2 * 3600_000, generationBudgetPerHour: 2 });
    expect((await (await visitor(1)).generate()).statusCode).toBe(200);
    expect((await (await visitor(2)).generate()).statusCode).toBe(200);
    const third = await visitor(3);
    const refused = await third.generate();
    expect(refused.statusCode).toBe(503);
    expect(refused.result).toMatchObject({ code: 'capacity_reached', window: 'hour', retryAfter: 50 * 60 });
    expect(refused.headers['retry-after']).toBe(String(50 * 60));
    expect(provider.calls).toHaveLength(2);
    clock.advance(50 * 60_000);
    // The same answer still works: the refusal did not spend the captcha.
    expect((await third.generate()).statusCode).toBe(200);
    expect(provider.calls).toHaveLength(3);
  });

  it('per UTC day: Retry-After runs to midnight UTC, and the day is named when both windows are full', async () => {
    const clock = manualClock(Date.UTC(2026, 0, 1, 20, 0));
    const { visitor } = await service({ provider: scriptedProvider(picture), now: clock, generationBudgetPerDay: 1, generationBudgetPerHour: 1 });
    expect((await (await visitor(1)).generate()).statusCode).toBe(200);
    const refused = await (await visitor(2)).generate();
    expect(refused.result).toMatchObject({ code: 'capacity_reached', window: 'day', retryAfter: 4 * 3600 });
    clock.advance(3600_000);
    // A new hour, the same day: still the day's budget that is used up.
    expect((await (await visitor(3)).generate()).result).toMatchObject({ code: 'capacity_reached', window: 'day', retryAfter: 3 * 3600 });
  });

  it('is exact in one process: 40 concurrent requests with a budget of 5 start exactly 5', async () => {
    const provider = scriptedProvider(picture);
    const { visitor } = await service({ provider, generationBudgetPerHour: 5 });
    const visitors = await Promise.all(Array.from({ length: 40 }, (_, i) => visitor(i + 1)));
    const responses = await Promise.all(visitors.map((v) => v.generate()));
    const statuses = responses.map((r) => r.statusCode).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(5);
    expect(responses.filter((r) => r.statusCode === 503).map(codeOf)).toEqual(Array(35).fill('capacity_reached'));
    expect(provider.calls).toHaveLength(5);
  });

  it('does not count a refused captcha', async () => {
    const { visitor } = await service({ provider: scriptedProvider(picture), generationBudgetPerHour: 1 });
    expect(codeOf(await (await visitor(1)).generate({ prompt: 'a', captcha: 'WRONG' }))).toBe('captcha_wrong');
    expect(codeOf(await (await visitor(1)).generate({ prompt: 'a', captcha: ANSWER, seed: -1 }))).toBe('invalid_request');
    expect((await (await visitor(1)).generate()).statusCode).toBe(200);
    expect(codeOf(await (await visitor(2)).generate())).toBe('capacity_reached');
  });

  it('counts a failed upstream call', async () => {
    const provider = scriptedProvider(async () => {
      throw new UpstreamError('error', 'status 500');
    });
    const { visitor } = await service({ provider, generationBudgetPerHour: 1 });
    expect(codeOf(await (await visitor(1)).generate())).toBe('provider_error');
    expect(codeOf(await (await visitor(2)).generate())).toBe('capacity_reached');
    expect(provider.calls).toHaveLength(1);
  });

  it('gives the share back when the instance is full (503 overloaded)', async () => {
    const { provider, release } = heldProvider();
    const { server, visitor } = await service({ provider, generationBudgetPerHour: 2, maxInFlight: 1, maxQueued: 0 });
    const first = (await visitor(1)).generate();
    await until(() => provider.calls.length === 1, 'the first generation started');
    expect(codeOf(await (await visitor(2)).generate())).toBe('overloaded');
    expect(await server.plugins['imageka-capacity'].budgetLeft()).toMatchObject({ hour: { limit: 2, used: 1, left: 1 } });
    release();
    expect((await first).statusCode).toBe(200);
    expect((await (await visitor(3)).generate()).statusCode).toBe(200);
    expect(codeOf(await (await visitor(4)).generate())).toBe('capacity_reached');
  });

  it('tells metrics what is left, and nothing without a budget', async () => {
    const clock = manualClock(Date.UTC(2026, 0, 1, 13, 30));
    const { server, visitor } = await service({ provider: scriptedProvider(picture), now: clock, generationBudgetPerHour: 3, generationBudgetPerDay: 10 });
    await (await visitor(1)).generate();
    expect(await server.plugins['imageka-capacity'].budgetLeft()).toEqual({
      hour: { limit: 3, used: 1, left: 2, resetAt: Date.UTC(2026, 0, 1, 14) },
      day: { limit: 10, used: 1, left: 9, resetAt: Date.UTC(2026, 0, 2) },
    });
    const plain = await service();
    expect(await plain.server.plugins['imageka-capacity'].budgetLeft()).toEqual({});
  });
});

describe('the per-client in-flight limit', () => {
  it('refuses one more with 429 concurrent_limit before the captcha is spent; the same answer works once the first is done', async () => {
    const { provider, release } = heldProvider();
    const { visitor } = await service({ provider });
    const running = (await visitor(1)).generate();
    await until(() => provider.calls.length === 1, 'the first generation started');
    const second = await visitor(1);
    const refused = await second.generate();
    expect(refused.statusCode).toBe(429);
    expect(refused.result).toMatchObject({ code: 'concurrent_limit' });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    // Another client is not held up by it.
    const other = (await visitor(2)).generate();
    await until(() => provider.calls.length === 2, "the other client's generation started");
    release();
    expect((await running).statusCode).toBe(200);
    expect((await other).statusCode).toBe(200);
    expect((await second.generate()).statusCode).toBe(200);
  });

  it('allows MAX_IN_FLIGHT_PER_CLIENT at once, running and waiting together', async () => {
    const { provider, release } = heldProvider();
    const { visitor } = await service({ provider, maxInFlightPerClient: 2, maxInFlight: 1 });
    const visitors = await Promise.all([1, 2, 3].map(() => visitor(1)));
    const pending = visitors.slice(0, 2).map((v) => v.generate());
    await until(() => provider.calls.length === 1, 'one running');
    expect(codeOf(await visitors[2]!.generate())).toBe('concurrent_limit');
    release();
    expect((await Promise.all(pending)).map((r) => r.statusCode)).toEqual([200, 200]);
  });

  it('frees the slot on every path (success, upstream failure, time-out, the visitor leaving while running or queued); only a generation that never started gives its budget back', async () => {
    const slots = new MemoryClientSlots();
    let behaviour: () => Promise<{ bytes: Buffer; mimeType: string; seed: number }> = picture;
    const provider = scriptedProvider(() => behaviour());
    const { server, visitor } = await service({ provider, clientSlots: slots, generationTimeoutMs: 200, maxInFlight: 1, generationBudgetPerHour: 100 });
    await server.start();
    try {
      expect((await (await visitor(1)).generate()).statusCode).toBe(200);
      expect(slots.clients).toBe(0);

      behaviour = async () => {
        throw new UpstreamError('error', 'status 500');
      };
      expect(codeOf(await (await visitor(1)).generate())).toBe('provider_error');
      expect(slots.clients).toBe(0);

      behaviour = () => new Promise(() => {});
      expect(codeOf(await (await visitor(1)).generate())).toBe('provider_timeout');
      expect(slots.clients).toBe(0);

      // Over real HTTP, so that closing the connection is what the server sees.
      const post = async (n: number, signal: AbortSignal) => {
        const { cookie } = await issueCaptcha(server, { 'x-forwarded-for': `198.51.100.${n}` });
        return fetch(`${server.info.uri}/api/v1/generate`, {
          method: 'POST',
          headers: { cookie, 'content-type': 'application/json', 'x-forwarded-for': `198.51.100.${n}` },
          body: JSON.stringify(await withPow(cookie, { prompt: 'a', captcha: ANSWER })),
          signal,
        }).catch(() => undefined);
      };
      const runningCall = new AbortController();
      const queuedCall = new AbortController();
      const calls = provider.calls.length;
      const running = post(1, runningCall.signal);
      await until(() => provider.calls.length === calls + 1, 'running upstream');
      const queued = post(2, queuedCall.signal);
      await until(() => load(server).queued === 1 && slots.clients === 2, 'the second one queued');
      queuedCall.abort();
      await until(() => slots.clients === 1 && load(server).queued === 0, 'the queued visitor left');
      runningCall.abort();
      await until(() => slots.clients === 0 && load(server).inFlight === 0, 'the running visitor left');
      await Promise.all([running, queued]);
      // The queued one never reached the provider, and gave its share of the budget back; the
      // four that reached it (success, failure, time-out, left while running) count.
      expect(provider.calls).toHaveLength(calls + 1);
      expect(await server.plugins['imageka-capacity'].budgetLeft()).toMatchObject({ hour: { used: 4 } });
    } finally {
      await server.stop({ timeout: 100 });
    }
  });
});

describe('the queue, over Server-Sent Events', () => {
  it('sends `queued` with the position each time it changes, before any progress', async () => {
    const { provider, release } = heldProvider();
    const { server, visitor } = await service({ provider, maxInFlight: 1 });
    const first = (await visitor(1)).generate();
    await until(() => provider.calls.length === 1, 'the first one running');
    const stream = { accept: 'text/event-stream' };
    const second = (await visitor(2)).generate(undefined, stream);
    await until(() => load(server).queued === 1, 'the second one queued');
    const third = (await visitor(3)).generate(undefined, stream);
    await until(() => load(server).queued === 2, 'the third one queued');
    release();
    const events = (payload: string) => [...payload.matchAll(/event: (\w+)\ndata: (.*)\n\n/g)].map((m) => [m[1]!, JSON.parse(m[2]!)] as const);
    const names = (payload: string) => events(payload).map(([name]) => name).filter((name, i, all) => name !== 'progress' || all[i - 1] !== 'progress');
    expect((await first).statusCode).toBe(200);
    const [b, c] = await Promise.all([second, third]);
    expect(events(b.payload).filter(([name]) => name === 'queued').map(([, data]) => data)).toEqual([{ position: 1 }]);
    expect(events(c.payload).filter(([name]) => name === 'queued').map(([, data]) => data)).toEqual([{ position: 2 }, { position: 1 }]);
    expect(names(c.payload)).toEqual(['queued', 'queued', 'progress', 'result']);
    expect(names(b.payload)).toEqual(['queued', 'progress', 'result']);
  });

  it('sends no `queued` event when a slot is free', async () => {
    const { visitor } = await service({ provider: scriptedProvider(picture) });
    const response = await (await visitor(1)).generate(undefined, { accept: 'text/event-stream' });
    expect(response.payload).not.toContain('event: queued');
    expect(response.payload).toContain('event: result');
  });
});
