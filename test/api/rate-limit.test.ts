import { describe, expect, it } from 'vitest';
import { groupAddress } from '../../api/client-address.js';
import { MemoryWindowCounter } from '../../api/limits/window-counter.js';
import { generate, issueCaptcha, manualClock, quietSpeech, testServer } from '../helpers/server.js';

const captcha = (server: Awaited<ReturnType<typeof testServer>>, headers: Record<string, string> = {}, remoteAddress = '203.0.113.9') =>
  server.inject({ url: '/api/v1/captcha', headers, remoteAddress });

describe('captcha rate limit (hapi-rate-limit, per client per minute)', () => {
  it('answers 429 rate_limited with Retry-After past the limit', async () => {
    const server = await testServer({ captchaPerMinute: 3 });
    for (let i = 0; i < 3; i++) expect((await captcha(server)).statusCode).toBe(200);
    const limited = await captcha(server);
    expect(limited.statusCode).toBe(429);
    expect(limited.result).toMatchObject({ code: 'rate_limited' });
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
  });

  it('counts each client on its own: no global limit throttles everyone', async () => {
    const server = await testServer({ captchaPerMinute: 2 });
    for (let client = 1; client <= 30; client++) {
      expect((await captcha(server, {}, `198.51.100.${client}`)).statusCode).toBe(200);
    }
  });

  it('ignores X-Forwarded-For without the trusted-proxy setting', async () => {
    const server = await testServer({ captchaPerMinute: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await captcha(server, { 'x-forwarded-for': `10.0.0.${i}` })).statusCode);
    expect(statuses).toEqual([200, 200, 429]);
  });

  it('behind one trusted proxy counts the entry the proxy added, not the spoofed first one', async () => {
    const server = await testServer({ captchaPerMinute: 2, trustedProxies: 1 });
    const statuses = [];
    for (let i = 0; i < 3; i++) {
      statuses.push((await captcha(server, { 'x-forwarded-for': `10.9.9.${i}, 198.51.100.7` }, '127.0.0.1')).statusCode);
    }
    expect(statuses).toEqual([200, 200, 429]);
    // A different real client behind the same proxy has its own budget.
    expect((await captcha(server, { 'x-forwarded-for': '198.51.100.8' }, '127.0.0.1')).statusCode).toBe(200);
  });

  it('counts IPv6 clients per /64', async () => {
    const server = await testServer({ captchaPerMinute: 2 });
    expect((await captcha(server, {}, '2001:db8:1:2::1')).statusCode).toBe(200);
    expect((await captcha(server, {}, '2001:db8:1:2:ffff::9')).statusCode).toBe(200);
    expect((await captcha(server, {}, '2001:db8:1:2:aaaa:bbbb:cccc:dddd')).statusCode).toBe(429);
    expect((await captcha(server, {}, '2001:db8:1:3::1')).statusCode).toBe(200);
  });

  it('limits the spoken captcha like the image', async () => {
    const server = await testServer({ captchaPerMinute: 1, captchaAudio: quietSpeech });
    const audio = await server.inject({ url: '/api/v1/captcha/audio', remoteAddress: '203.0.113.50' });
    expect(audio.statusCode).not.toBe(429);
    const again = await server.inject({ url: '/api/v1/captcha/audio', remoteAddress: '203.0.113.50' });
    expect(again.statusCode).toBe(429);
  });
});

describe('generation rate limit (atomic window counter)', () => {
  it('allows N generation attempts per window per client, then 429 with Retry-After until the window ends', async () => {
    const clock = manualClock();
    const server = await testServer({ now: clock, generateLimit: 2, generateWindowMs: 3_600_000 });
    const attempt = async () => {
      const { cookie } = await issueCaptcha(server);
      return generate(server, cookie, { prompt: 'a', captcha: 'ACDEH' });
    };
    expect((await attempt()).statusCode).toBe(200);
    expect((await attempt()).statusCode).toBe(200);
    const limited = await attempt();
    expect(limited.statusCode).toBe(429);
    expect(limited.result).toMatchObject({ code: 'rate_limited' });
    expect(Number(limited.headers['retry-after'])).toBe(3600);
    clock.advance(3_600_000);
    expect((await attempt()).statusCode).toBe(200);
  });

  it('each captcha tells the client how many generations it has left and when the window resets, without counting one', async () => {
    const clock = manualClock();
    const server = await testServer({ now: clock, generateLimit: 2, generateWindowMs: 3_600_000 });
    const first = await issueCaptcha(server);
    expect(first.response.result).toMatchObject({ generationsLeft: 2, generationsResetAt: new Date(clock() + 3_600_000).toISOString() });
    // Loading captchas costs nothing from the generation allowance.
    expect((await issueCaptcha(server)).response.result).toMatchObject({ generationsLeft: 2 });
    const { cookie } = await issueCaptcha(server);
    expect((await generate(server, cookie, { prompt: 'a', captcha: 'ACDEH' })).statusCode).toBe(200);
    clock.advance(60_000);
    const after = await issueCaptcha(server);
    expect(after.response.result).toMatchObject({ generationsLeft: 1, generationsResetAt: new Date(Date.UTC(2026, 0, 1) + 3_600_000).toISOString() });
    await generate(server, after.cookie, { prompt: 'a', captcha: 'ACDEH' });
    const { response, cookie: last } = await issueCaptcha(server);
    expect(response.result).toMatchObject({ generationsLeft: 0 });
    expect((await generate(server, last, { prompt: 'a', captcha: 'ACDEH' })).statusCode).toBe(429);
    // A refused attempt is still counted by the limiter, but the allowance never goes below zero.
    expect((await issueCaptcha(server)).response.result).toMatchObject({ generationsLeft: 0 });
  });

  it('a rate-limited request does not spend the captcha', async () => {
    const server = await testServer({ generateLimit: 1, captchaAudio: quietSpeech });
    const first = await issueCaptcha(server);
    await generate(server, first.cookie, { prompt: 'a', captcha: 'ACDEH' });
    const { cookie } = await issueCaptcha(server);
    expect((await generate(server, cookie, { prompt: 'a', captcha: 'ACDEH' })).statusCode).toBe(429);
    const statusAfter = await server.inject({ url: '/api/v1/captcha/audio', headers: { cookie } });
    expect(statusAfter.statusCode).toBe(200);
  });

  it('forgets records after the window: none are kept beyond 48 hours', async () => {
    const clock = manualClock();
    const counter = new MemoryWindowCounter(3_600_000, clock);
    await counter.hit('a');
    await counter.hit('b');
    expect(counter.size).toBe(2);
    clock.advance(48 * 3_600_000);
    expect(counter.size).toBe(0);
  });

  it('refuses a window longer than 48 hours at start-up', async () => {
    await expect(testServer({ generateWindowMs: 49 * 3_600_000 })).rejects.toThrow(/imageka-rate-limit/);
  });
});

describe('groupAddress', () => {
  it.each([
    ['::ffff:192.0.2.1', '192.0.2.1'],
    ['192.0.2.1', '192.0.2.1'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['2001:0db8:0000:0001:0000:0000:0000:0001', '2001:db8:0:1::/64'],
    ['::1', '0:0:0:0::/64'],
  ])('%s → %s', (input, expected) => expect(groupAddress(input)).toBe(expected));
});
