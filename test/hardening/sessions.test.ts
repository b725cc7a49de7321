/**
 * A session value (the cookie, or the same seal in X-Imageka-Session) that someone copied out of
 * a victim's browser, or planted in it, must not reach the victim's captcha.
 */
import type { Server } from '@hapi/hapi';
import { afterEach, describe, expect, it } from 'vitest';
import { SESSION_HEADER } from '../../sdk/types.js';
import { generate, issueCaptcha, manualClock, solved, testServer } from '../helpers/server.js';

const BODY = { prompt: 'a lighthouse', captcha: 'ACDEH' };
const MINUTE = 60_000;

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

async function server(options: Parameters<typeof testServer>[0] = {}) {
  const created = await testServer(options);
  servers.push(created);
  return created;
}

const hear = (srv: Server, cookie: string) => srv.inject({ method: 'GET', url: '/api/v1/captcha/audio', headers: { cookie } });

describe('a new captcha starts a new session', () => {
  it('a value planted before the victim loads a captcha can neither hear nor spend it', async () => {
    const srv = await server({ captchaAudio: async () => Buffer.from('RIFF') });
    // The attacker gets a session and plants it in the victim's browser.
    const planted = (await issueCaptcha(srv)).cookie;
    // The victim loads a captcha with it.
    const victim = await issueCaptcha(srv, { cookie: planted });
    expect(victim.response.statusCode).toBe(200);
    expect(victim.cookie).not.toBe(planted);

    expect(JSON.parse((await hear(srv, planted)).payload).code).toBe('captcha_missing');
    const stolen = await generate(srv, planted, BODY);
    expect(stolen.statusCode).toBe(400);
    expect(JSON.parse(stolen.payload).code).toBe('captcha_missing');
    // The victim's own session is untouched by the attempts.
    expect((await generate(srv, victim.cookie, BODY)).statusCode).toBe(200);
  });

  it('the same holds for the header value: the old seal is dead once a new captcha is issued', async () => {
    const srv = await server();
    const first = await issueCaptcha(srv);
    const oldSeal = String(first.response.headers[SESSION_HEADER.toLowerCase()]);
    const second = await srv.inject({ method: 'GET', url: '/api/v1/captcha', headers: { [SESSION_HEADER]: oldSeal } });
    const newSeal = String(second.headers[SESSION_HEADER.toLowerCase()]);
    const pow = await solved(second);
    const send = (seal: string) => srv.inject({ method: 'POST', url: '/api/v1/generate', headers: { [SESSION_HEADER]: seal }, payload: { ...BODY, pow } });
    expect(JSON.parse((await send(oldSeal)).payload).code).toBe('captcha_missing');
    expect((await send(newSeal)).statusCode).toBe(200);
  });
});

describe("README: a session value is refused SESSION_TTL_SECONDS after it was issued", () => {
  // A session shorter than the captcha's life: only the seal's own expiry can end it.
  const options = { sessionTtlMs: 5 * MINUTE, captchaTtlMs: 10 * MINUTE, captchaAudio: async () => Buffer.from('RIFF') };

  it('works until then', async () => {
    const now = manualClock();
    const srv = await server({ ...options, now });
    const { cookie } = await issueCaptcha(srv);
    now.advance(5 * MINUTE - 1000);
    expect((await hear(srv, cookie)).statusCode).toBe(200);
  });

  it('is refused after, even though the captcha it guarded has not expired', async () => {
    const now = manualClock();
    const srv = await server({ ...options, now });
    const { cookie } = await issueCaptcha(srv);
    now.advance(5 * MINUTE);
    const late = await hear(srv, cookie);
    expect(late.statusCode).toBe(400);
    expect(JSON.parse(late.payload).code).toBe('captcha_missing');
    expect(JSON.parse((await generate(srv, cookie, BODY)).payload).code).toBe('captcha_missing');
  });
});
