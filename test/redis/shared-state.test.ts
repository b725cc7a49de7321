import { describe, expect, it } from 'vitest';
import { SESSION_HEADER } from '../../sdk/types.js';
import { generate, issueCaptcha, solved } from '../helpers/server.js';
import { ANSWER, codeOf, tally, twoInstancesPerTest } from './cluster.js';

const twoInstances = twoInstancesPerTest();

describe('several instances sharing Redis', () => {
  it('report the redis store as ready', async () => {
    const { servers } = await twoInstances();
    const health = await servers[0]!.inject('/api/v1/health');
    expect(health.statusCode).toBe(200);
    expect(health.result).toMatchObject({ ready: true, store: 'redis' });
  });

  it('solve on one instance a captcha issued by the other', async () => {
    const { servers: [a, b], provider } = await twoInstances();
    const { cookie } = await issueCaptcha(a!);
    const response = await generate(b!, cookie, { prompt: 'a fox', captcha: ANSWER });
    expect(response.statusCode).toBe(200);
    expect(provider.calls).toHaveLength(1);
  });

  it('serve the spoken captcha on the other instance, and accept the session header there', async () => {
    const { servers: [a, b] } = await twoInstances();
    const { response: issued } = await issueCaptcha(a!);
    const sealed = String(issued.headers[SESSION_HEADER.toLowerCase()]);
    const audio = await b!.inject({ method: 'GET', url: '/api/v1/captcha/audio', headers: { [SESSION_HEADER]: sealed } });
    expect(audio.statusCode).toBe(200);
    expect(audio.headers['content-type']).toMatch(/^audio\/wav/);
    const payload = { prompt: 'a fox', captcha: ANSWER, pow: await solved(issued) };
    const generated = await b!.inject({ method: 'POST', url: '/api/v1/generate', headers: { [SESSION_HEADER]: sealed }, payload });
    expect(generated.statusCode).toBe(200);
  });

  it('keep sessions, captcha answers and rate-limit records in Redis, not in the process', async () => {
    const { servers: [a], instances, partition } = await twoInstances();
    await issueCaptcha(a!);
    const keys = await instances[0]!.redis.client.keys(`${partition}:*`);
    const segments = keys.map((key) => decodeURIComponent(key.split(':')[1]!)).sort();
    expect(segments).toEqual(['!@hapi/yar', 'captcha', 'hapi-rate-limit-userPath']);
    // Every record expires by itself.
    for (const key of keys) expect(await instances[0]!.redis.client.pttl(key)).toBeGreaterThan(0);
  });

  it('let exactly one of 10 parallel correct answers over both instances through', async () => {
    const { servers, provider } = await twoInstances({ maxInFlightPerClient: 10 });
    const { cookie } = await issueCaptcha(servers[0]!);
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) => generate(servers[i % 2]!, cookie, { prompt: 'a fox', captcha: ANSWER })),
    );
    // The one proof of work they share is spent first (pow_invalid), or the captcha is gone already.
    expect(responses.filter((r) => r.statusCode === 200)).toHaveLength(1);
    expect(responses.filter((r) => r.statusCode !== 200).map(codeOf).every((code) => code === 'pow_invalid' || code === 'captcha_missing')).toBe(true);
    expect(provider.calls).toHaveLength(1);
  });

  it('hold the generation limit exactly: 40 concurrent requests over 2 instances, limit 5, let 5 through', async () => {
    const { servers, provider } = await twoInstances({ generateLimit: 5, captchaPerMinute: 100, maxInFlightPerClient: 40 });
    const cookies: string[] = [];
    for (let i = 0; i < 40; i += 1) cookies.push((await issueCaptcha(servers[i % 2]!)).cookie);
    const responses = await Promise.all(cookies.map((cookie, i) => generate(servers[(i + 1) % 2]!, cookie, { prompt: 'a fox', captcha: ANSWER })));
    expect(tally(responses)).toEqual({ 200: 5, 429: 35 });
    expect(new Set(responses.filter((r) => r.statusCode === 429).map(codeOf))).toEqual(new Set(['rate_limited']));
    expect(provider.calls).toHaveLength(5);
  });

  it('count the limit per client: another address behind the trusted proxy still gets through', async () => {
    const { servers } = await twoInstances({ generateLimit: 1, trustedProxies: 1 });
    const from = (address: string) => ({ 'x-forwarded-for': address });
    const first = await issueCaptcha(servers[0]!, from('198.51.100.7'));
    expect((await generate(servers[1]!, first.cookie, { prompt: 'a', captcha: ANSWER }, from('198.51.100.7'))).statusCode).toBe(200);
    const again = await issueCaptcha(servers[1]!, from('198.51.100.7'));
    const refused = await generate(servers[0]!, again.cookie, { prompt: 'a', captcha: ANSWER }, from('198.51.100.7'));
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    const other = await issueCaptcha(servers[1]!, from('203.0.113.9'));
    expect((await generate(servers[0]!, other.cookie, { prompt: 'a', captcha: ANSWER }, from('203.0.113.9'))).statusCode).toBe(200);
  });

  it('spend the answer on a wrong attempt on one instance, so the other refuses the right one', async () => {
    const { servers: [a, b], provider } = await twoInstances();
    const { cookie } = await issueCaptcha(a!);
    const wrong = await generate(a!, cookie, { prompt: 'a fox', captcha: 'WRONG' });
    expect(codeOf(wrong)).toBe('captcha_wrong');
    const right = await generate(b!, cookie, { prompt: 'a fox', captcha: ANSWER });
    expect(codeOf(right)).toBe('captcha_missing');
    expect(provider.calls).toHaveLength(0);
  });
});

describe('the proof of work across instances sharing Redis', () => {
  it('is single use across instances: spent on one, refused on the other; 10 parallel over both, one passes', async () => {
    const { servers: [a, b], provider } = await twoInstances();
    const first = await issueCaptcha(a!);
    const pow = await solved(first.response);
    // A wrong number spends the proof on instance A; the right one is then refused on B.
    const wrong = await generate(a!, first.cookie, { prompt: 'a fox', captcha: ANSWER, pow: { ...pow, number: pow.number + 1 } });
    expect(codeOf(wrong)).toBe('pow_invalid');
    const replay = await generate(b!, first.cookie, { prompt: 'a fox', captcha: ANSWER, pow });
    expect(replay.result).toMatchObject({ code: 'pow_invalid', message: expect.stringContaining('already used') });

    const second = await issueCaptcha(b!);
    const both = await solved(second.response);
    const responses = await Promise.all(Array.from({ length: 10 }, (_, i) => generate(i % 2 ? a! : b!, second.cookie, { prompt: 'a fox', captcha: ANSWER, pow: both })));
    expect(responses.filter((response) => response.statusCode === 200)).toHaveLength(1);
    expect(provider.calls).toHaveLength(1);
  });

  it('counts recent generations for the whole deployment: both instances raise the difficulty', async () => {
    const { servers: [a, b] } = await twoInstances({ powMinCost: 10_000, powMaxCost: 40_000, powFullRatePerHour: 12 });
    for (const server of [a!, b!]) {
      const { cookie } = await issueCaptcha(server);
      expect((await generate(server, cookie, { prompt: 'a fox', captcha: ANSWER })).statusCode).toBe(200);
    }
    // 2 in the last 10 minutes = 12 an hour: full load, seen by each instance.
    for (const server of [a!, b!]) expect(await server.plugins['imageka-pow'].difficulty()).toMatchObject({ load: 1, cost: 40_000 });
  });
});
