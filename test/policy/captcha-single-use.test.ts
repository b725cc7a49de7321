import Iron from '@hapi/iron';
import { describe, expect, it } from 'vitest';
import { MemoryCaptchaStore } from '../../api/captcha/store.js';
import { ConfigError, serverOptionsFromEnv } from '../../api/config.js';
import { fixedCaptcha, generate, issueCaptcha, manualClock, setCookies, testServer } from '../helpers/server.js';
import { recordingCache } from './support.js';

const ANSWER = 'W9X3Y';
const SECRET = 'policy-claim4-session-secret-0123456789';
const MINUTE = 60 * 1000;

async function setup() {
  const clock = manualClock();
  const store = new MemoryCaptchaStore(clock);
  const server = await testServer({ now: clock, captchaStore: store, captcha: fixedCaptcha(ANSWER), sessionSecret: SECRET });
  return { clock, store, server };
}

describe('Claim 4: the captcha answer exists only server-side and is deleted on first use; session data expires within a bounded time; the cookie is a browser-session cookie', () => {
  it('never sends the answer: not in the JSON, the headers, or the sealed cookie, which holds only a random id', async () => {
    const { server, clock } = await setup();
    const { response, cookie } = await issueCaptcha(server);
    const { image, ...fields } = response.result as Record<string, unknown>;
    expect(String(image)).toMatch(/^data:image\/webp;base64,/);
    expect(JSON.stringify(fields).toLowerCase()).not.toContain(ANSWER.toLowerCase());
    expect(JSON.stringify(response.headers).toLowerCase()).not.toContain(ANSWER.toLowerCase());
    // The seal expires on the server's clock (the manual one here).
    const content = (await Iron.unseal(cookie.slice('imageka_session='.length), SECRET, { ...Iron.defaults, localtimeOffsetMsec: clock() - Date.now() })) as Record<string, unknown>;
    expect(Object.keys(content)).toEqual(['id']);
  });

  it('deletes the answer on its first use when the answer was wrong', async () => {
    const { server, store } = await setup();
    const { cookie } = await issueCaptcha(server);
    expect(store.size).toBe(1);
    expect((await generate(server, cookie, { prompt: 'a', captcha: 'AAAAA' })).result).toMatchObject({ code: 'captcha_wrong' });
    expect(store.size).toBe(0);
    expect((await generate(server, cookie, { prompt: 'a', captcha: ANSWER })).result).toMatchObject({ code: 'captcha_missing' });
  });

  it('deletes the answer on its first use when the answer was right, so it cannot be replayed', async () => {
    const { server, store } = await setup();
    const { cookie } = await issueCaptcha(server);
    expect((await generate(server, cookie, { prompt: 'a', captcha: ANSWER })).statusCode).toBe(200);
    expect(store.size).toBe(0);
    expect((await generate(server, cookie, { prompt: 'a', captcha: ANSWER })).result).toMatchObject({ code: 'captcha_missing' });
  });

  it('lets exactly one of 10 parallel requests spend one answer', async () => {
    const { server } = await setup();
    const { cookie } = await issueCaptcha(server);
    const responses = await Promise.all(Array.from({ length: 10 }, () => generate(server, cookie, { prompt: 'a', captcha: ANSWER })));
    expect(responses.filter((response) => response.statusCode === 200)).toHaveLength(1);
  });

  it('refuses an answer after 10 minutes and forgets an unused one within 20', async () => {
    const { server, store, clock } = await setup();
    const { cookie } = await issueCaptcha(server);
    clock.advance(10 * MINUTE);
    // Its proof of work expires with it and is checked first.
    expect((await generate(server, cookie, { prompt: 'a', captcha: ANSWER })).result).toMatchObject({ code: 'pow_invalid', message: expect.stringContaining('expired') });
    // The attempt spends the dead answer: it is forgotten at once.
    expect(store.size).toBe(0);
    // One nobody tries is forgotten within 20 minutes.
    await issueCaptcha(server);
    expect(store.size).toBe(1);
    clock.advance(20 * MINUTE);
    expect(store.size).toBe(0);
  });

  it('keeps the server-side session for 30 minutes after its last change, and never longer than 24 hours by configuration', async () => {
    const { cache, writes } = recordingCache();
    const server = await testServer({ cache, captcha: fixedCaptcha(ANSWER) });
    const { cookie } = await issueCaptcha(server);
    await generate(server, cookie, { prompt: 'a', captcha: ANSWER });
    const sessions = writes.filter((write) => write.segment.endsWith('yar'));
    expect(sessions.length).toBeGreaterThan(0);
    for (const write of sessions) expect(write.ttl).toBe(30 * MINUTE);
    expect(() => serverOptionsFromEnv({ SESSION_TTL_SECONDS: String(24 * 3600 + 1) })).toThrow(ConfigError);
    expect(() => serverOptionsFromEnv({ CAPTCHA_TTL_SECONDS: String(3600 + 1) })).toThrow(ConfigError);
  });

  it.each([false, true])('sets the cookie with neither Expires nor Max-Age (cross-site mode: %s), so the browser drops it when closed', async (crossSite) => {
    const server = await testServer({ crossSite });
    const { response } = await issueCaptcha(server);
    const cookies = setCookies(response);
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toMatch(/^imageka_session=/);
    expect(cookies[0]).not.toMatch(/expires|max-age/i);
  });
});
