import Iron from '@hapi/iron';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { SESSION_HEADER, type ErrorBody } from '../../sdk/types.js';
import { fixedCaptcha, generate, issueCaptcha, manualClock, sessionCookie, setCookies, solved, testServer } from '../helpers/server.js';

const SECRET = 's'.repeat(40);

describe('session cookie', () => {
  it('is set only once a captcha is issued', async () => {
    const server = await testServer();
    const health = await server.inject('/api/v1/health');
    expect(setCookies(health)).toEqual([]);
    const { response } = await issueCaptcha(server);
    expect(setCookies(response)).toHaveLength(1);
  });

  it('same-site mode: HttpOnly, Secure, SameSite=Lax, Path=/, no Expires or Max-Age', async () => {
    const server = await testServer();
    const { response } = await issueCaptcha(server);
    const [cookie] = setCookies(response);
    expect(cookie).toMatch(/^imageka_session=[^;]+/);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).not.toMatch(/Expires|Max-Age|Partitioned/i);
  });

  it('cross-site mode: Secure; SameSite=None; Partitioned, still a browser-session cookie', async () => {
    const server = await testServer({ crossSite: true });
    const { response } = await issueCaptcha(server);
    const [cookie] = setCookies(response);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/; SameSite=None/);
    expect(cookie).toMatch(/; Partitioned/);
    expect(cookie).not.toMatch(/Expires|Max-Age/i);
  });

  it('carries only a sealed id of at least 128 random bits, no session data', async () => {
    const secret = 'x'.repeat(40);
    const server = await testServer({ sessionSecret: secret });
    const { cookie } = await issueCaptcha(server);
    const sealed = cookie.slice('imageka_session='.length);
    const content = (await Iron.unseal(sealed, secret, Iron.defaults)) as Record<string, unknown>;
    expect(Object.keys(content)).toEqual(['id']);
    expect(Buffer.from(String(content.id), 'base64url').length).toBeGreaterThanOrEqual(16);
    expect(sealed).not.toContain('acdeh');
  });
});

describe('GET /api/v1/captcha', () => {
  it('answers a raster image with its size and expiry; the SVG never leaves the server', async () => {
    const clock = manualClock();
    const server = await testServer({ now: clock });
    const { response } = await issueCaptcha(server);
    expect(response.statusCode).toBe(200);
    const body = response.result as Record<string, unknown>;
    expect(String(body.image)).toMatch(/^data:image\/webp;base64,/);
    // Base64 is random text that can spell "svg" by chance: decode the image and ask what it is.
    const bytes = Buffer.from(String(body.image).slice(String(body.image).indexOf(',') + 1), 'base64');
    const decoded = await sharp(bytes).metadata();
    expect(decoded).toMatchObject({ format: 'webp', width: body.width, height: body.height });
    // The proof of work's fields are random base64url too.
    expect(JSON.stringify({ ...body, image: undefined, pow: undefined })).not.toMatch(/svg|<path/i);
    expect(body.width).toBeGreaterThan(0);
    expect(body.height).toBeGreaterThan(0);
    expect(body.expiresAt).toBe(new Date(clock() + 600_000).toISOString());
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it('draws the image at twice its SVG size, dark on request with ?theme=dark, light for anything else', async () => {
    const server = await testServer();
    const grey = async (body: unknown) => {
      const { image, width, height } = body as { image: string; width: number; height: number };
      const bytes = Buffer.from(image.replace(/^data:image\/webp;base64,/, ''), 'base64');
      expect([width, height]).toEqual([400, 140]);
      // The median pixel is the ground, whatever share of the image the random ink covers.
      const pixels = await sharp(bytes).greyscale().raw().toBuffer();
      return [...pixels].sort((a, b) => a - b)[pixels.length >> 1]!;
    };
    const light = await server.inject({ url: '/api/v1/captcha' });
    const dark = await server.inject({ url: '/api/v1/captcha?theme=dark' });
    expect(await grey(light.result)).toBeGreaterThan(170);
    expect(await grey(dark.result)).toBeLessThan(85);
    const other = await server.inject({ url: '/api/v1/captcha?theme=neon' });
    expect(await grey(other.result)).toBeGreaterThan(170);
  });

  it('replaces an earlier captcha in the same session', async () => {
    let text = 'ACDEH';
    const server = await testServer({ captcha: () => fixedCaptcha(text)() });
    const first = await issueCaptcha(server);
    text = 'JMNPR';
    // Each captcha comes with a new session; the earlier answer is no longer accepted in it.
    const second = await issueCaptcha(server, { cookie: first.cookie });
    expect((await generate(server, second.cookie, { prompt: 'a', captcha: 'ACDEH' })).statusCode).toBe(403);
    const third = await issueCaptcha(server, { cookie: second.cookie });
    expect((await generate(server, third.cookie, { prompt: 'a', captcha: 'JMNPR' })).statusCode).toBe(200);
  });
});

describe('captcha answers', () => {
  it('compare case-insensitively and ignore surrounding spaces', async () => {
    const server = await testServer();
    const { cookie } = await issueCaptcha(server);
    const response = await generate(server, cookie, { prompt: 'a lighthouse', captcha: ' acdeh ' });
    expect(response.statusCode).toBe(200);
  });

  it('are spent by a wrong attempt', async () => {
    const server = await testServer();
    const { cookie } = await issueCaptcha(server);
    const wrong = await generate(server, cookie, { prompt: 'a lighthouse', captcha: 'XXXXX' });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.result).toMatchObject({ code: 'captcha_wrong' });
    const right = await generate(server, cookie, { prompt: 'a lighthouse', captcha: 'ACDEH' });
    expect(right.statusCode).toBe(400);
    expect(right.result).toMatchObject({ code: 'captcha_missing' });
  });

  it('are spent by a right attempt: one image per captcha', async () => {
    const server = await testServer();
    const { cookie } = await issueCaptcha(server);
    expect((await generate(server, cookie, { prompt: 'a', captcha: 'ACDEH' })).statusCode).toBe(200);
    expect((await generate(server, cookie, { prompt: 'a', captcha: 'ACDEH' })).result).toMatchObject({ code: 'captcha_missing' });
  });

  it('expire after the configured time, checked with the injected clock (with their proof of work, checked first)', async () => {
    const clock = manualClock();
    const server = await testServer({ now: clock, captchaTtlMs: 60_000 });
    const { cookie } = await issueCaptcha(server);
    clock.advance(60_001);
    const response = await generate(server, cookie, { prompt: 'a', captcha: 'ACDEH' });
    expect(response.statusCode).toBe(403);
    expect(response.result).toMatchObject({ code: 'pow_invalid', message: expect.stringContaining('expired') });
  });

  it('are accepted just before expiry', async () => {
    const clock = manualClock();
    const server = await testServer({ now: clock, captchaTtlMs: 60_000 });
    const { cookie } = await issueCaptcha(server);
    clock.advance(59_999);
    expect((await generate(server, cookie, { prompt: 'a', captcha: 'ACDEH' })).statusCode).toBe(200);
  });

  it('without a session cookie are refused as missing', async () => {
    const server = await testServer();
    const { response: other } = await issueCaptcha(server);
    const response = await generate(server, '', { prompt: 'a', captcha: 'ACDEH', pow: await solved(other) });
    expect(response.statusCode).toBe(400);
    expect(response.result).toMatchObject({ code: 'captcha_missing' });
    expect(setCookies(response)).toEqual([]);
  });

  it('are consumed atomically: 10 parallel correct answers give exactly one image', async () => {
    // Room for all ten at once, so the race reaches the captcha instead of the per-client limit.
    const server = await testServer({ maxInFlightPerClient: 10 });
    const { cookie } = await issueCaptcha(server);
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => generate(server, cookie, { prompt: 'a race', captcha: 'ACDEH' })),
    );
    const statuses = responses.map((r) => r.statusCode).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    // They carry the captcha's one proof of work, single use too and checked first: the others
    // meet it spent (pow_invalid) or, once the winner took the captcha, no captcha at all.
    const codes = responses.filter((r) => r.statusCode !== 200).map((r) => (r.result as ErrorBody).code);
    expect(codes).toHaveLength(9);
    expect(codes.every((code) => code === 'pow_invalid' || code === 'captcha_missing')).toBe(true);
  });

  it('work with the session carried in a header instead of a cookie', async () => {
    const server = await testServer({ sessionSecret: SECRET });
    const { response } = await issueCaptcha(server);
    const sealed = String(response.headers[SESSION_HEADER.toLowerCase()]);
    const unseal = (value: string) => Iron.unseal(value, SECRET, Iron.defaults);
    expect(await unseal(sealed)).toEqual(await unseal(sessionCookie(response).slice('imageka_session='.length)));
    const pow = await solved(response);
    const ok = await generate(server, '', { prompt: 'a', captcha: 'ACDEH', pow }, { [SESSION_HEADER]: sealed });
    expect(ok.statusCode).toBe(200);
    // Single use holds the same way.
    const again = await generate(server, '', { prompt: 'a', captcha: 'ACDEH', pow }, { [SESSION_HEADER]: sealed });
    expect(again.result).toMatchObject({ code: 'captcha_missing' });
  });

  it('ignore a forged session header', async () => {
    const server = await testServer();
    const { response } = await issueCaptcha(server);
    const forged = await generate(server, '', { prompt: 'a', captcha: 'ACDEH', pow: await solved(response) }, { [SESSION_HEADER]: 'Fe26.2**forged' });
    expect(forged.result).toMatchObject({ code: 'captcha_missing' });
  });
});
