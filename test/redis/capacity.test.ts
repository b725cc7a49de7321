import { describe, expect, it, vi } from 'vitest';
import { generate, issueCaptcha } from '../helpers/server.js';
import { ANSWER, codeOf, tally, twoInstancesPerTest } from './cluster.js';

const twoInstances = twoInstancesPerTest({ trustedProxies: 1, captchaPerMinute: 1000 });

const from = (n: number) => ({ 'x-forwarded-for': `198.51.100.${n}` });

/** Waits, polling, until `condition` holds. */
const until = (condition: () => boolean | Promise<boolean>, what: string) =>
  vi.waitFor(async () => {
    if (!(await condition())) throw new Error(`not yet: ${what}`);
  }, { timeout: 10_000, interval: 20 });

/** Holds every generation until `release()`. */
function held() {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  return { beforeGenerate: () => gate, release };
}

describe('the budget and the per-client limit across instances sharing Redis', () => {
  it('hold the budget exactly: 40 concurrent requests over 2 instances, budget 5, start exactly 5', async () => {
    const { servers, provider, instances, partition } = await twoInstances({ generationBudgetPerHour: 5, generationBudgetPerDay: 1000 });
    const cookies: string[] = [];
    for (let i = 0; i < 40; i += 1) cookies.push((await issueCaptcha(servers[i % 2]!, from(i))).cookie);
    const responses = await Promise.all(cookies.map((cookie, i) => generate(servers[(i + 1) % 2]!, cookie, { prompt: 'a fox', captcha: ANSWER }, from(i))));
    expect(tally(responses)).toEqual({ 200: 5, 503: 35 });
    expect(new Set(responses.filter((r) => r.statusCode === 503).map(codeOf))).toEqual(new Set(['capacity_reached']));
    expect(provider.calls).toHaveLength(5);
    // Both windows counted the same five; every record expires by itself, and no lease is left.
    const client = instances[0]!.redis.client;
    const keys = (await client.keys(`${partition}:budget:*`)).sort();
    expect(keys.map((key) => key.split(':').slice(2, 3)[0])).toEqual(['day', 'hour']);
    expect(await client.mget(...keys)).toEqual(['5', '5']);
    for (const key of keys) expect(await client.pttl(key)).toBeGreaterThan(0);
    expect(await client.keys(`${partition}:inflight:*`)).toEqual([]);
  });

  it('count a client’s generations on all instances together: one more is 429 concurrent_limit on the other', async () => {
    const hold = held();
    const { servers, provider } = await twoInstances({ beforeGenerate: hold.beforeGenerate });
    const first = await issueCaptcha(servers[0]!, from(7));
    const running = generate(servers[0]!, first.cookie, { prompt: 'a', captcha: ANSWER }, from(7));
    await until(() => provider.calls.length === 1, 'running on the first instance');
    const second = await issueCaptcha(servers[1]!, from(7));
    const refused = await generate(servers[1]!, second.cookie, { prompt: 'a', captcha: ANSWER }, from(7));
    expect(refused.statusCode).toBe(429);
    expect(codeOf(refused)).toBe('concurrent_limit');
    hold.release();
    expect((await running).statusCode).toBe(200);
    // Released on the first instance, seen by the second; the captcha was not spent by the refusal.
    expect((await generate(servers[1]!, second.cookie, { prompt: 'a', captcha: ANSWER }, from(7))).statusCode).toBe(200);
  });

  it('do not leak a slot when the instance holding it dies: its lease expires', async () => {
    const hold = held();
    const { servers, provider, instances } = await twoInstances({ beforeGenerate: hold.beforeGenerate, clientSlotLeaseMs: 5000, generateLimit: 1000 });
    const first = await issueCaptcha(servers[0]!, from(9));
    const running = generate(servers[0]!, first.cookie, { prompt: 'a', captcha: ANSWER }, from(9));
    await until(() => provider.calls.length === 1, 'running on the first instance');
    // The instance goes silent: no renewal and no release reaches Redis any more, even once its
    // generation ends.
    instances[0]!.redis.client.disconnect();
    hold.release();
    await running;
    const attempt = async () => {
      const { cookie } = await issueCaptcha(servers[1]!, from(9));
      return generate(servers[1]!, cookie, { prompt: 'b', captcha: ANSWER }, from(9));
    };
    expect(codeOf(await attempt())).toBe('concurrent_limit');
    let accepted = false;
    await until(async () => (accepted = (await attempt()).statusCode === 200), 'the lease expired');
    expect(accepted).toBe(true);
  });

  it('keep a running generation’s slot past its lease: the lease is renewed while it runs', async () => {
    const hold = held();
    const leaseMs = 600;
    const { servers, provider } = await twoInstances({ beforeGenerate: hold.beforeGenerate, clientSlotLeaseMs: leaseMs, generateLimit: 1000 });
    const first = await issueCaptcha(servers[0]!, from(11));
    const running = generate(servers[0]!, first.cookie, { prompt: 'a', captcha: ANSWER }, from(11));
    await until(() => provider.calls.length === 1, 'running on the first instance');
    const codes = new Set<string | undefined>();
    for (const started = Date.now(); Date.now() - started < 3 * leaseMs; ) {
      const { cookie } = await issueCaptcha(servers[1]!, from(11));
      codes.add(codeOf(await generate(servers[1]!, cookie, { prompt: 'b', captcha: ANSWER }, from(11))));
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(codes).toEqual(new Set(['concurrent_limit']));
    hold.release();
    expect((await running).statusCode).toBe(200);
  });
});
