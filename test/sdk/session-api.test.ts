import { afterEach, describe, expect, it, vi } from 'vitest';
import { Imageka, isCaptchaError, isProofOfWorkError } from '../../sdk/index.js';
import { SESSION_HEADER } from '../../sdk/types.js';
import { ANSWER, recordingFetch, startApi, type Exchange } from './harness.js';

afterEach(() => {
  vi.unstubAllGlobals();
});

const generateOf = (exchanges: Exchange[]) => exchanges.filter((e) => e.method === 'POST');

/** Like a browser that blocks third-party cookies: none is stored, none is sent. */
const withoutCookies = {
  request: (headers: Headers) => headers.delete('cookie'),
  response: (headers: Headers) => headers.delete('set-cookie'),
};

/** Like a client that never sees the session header: only the cookie can carry the session. */
const withoutSessionHeader = {
  request: (headers: Headers) => headers.delete(SESSION_HEADER),
  response: (headers: Headers) => headers.delete(SESSION_HEADER),
};

describe('session handling against the real API', () => {
  it('in Node, keeps the imageka_session cookie in memory and sends it back (cookie alone suffices)', async () => {
    const { baseUrl } = await startApi();
    const fetch = recordingFetch(withoutSessionHeader);
    const client = new Imageka({ baseUrl, fetch });
    await client.captcha();
    const setCookie = fetch.exchanges[0]!.response!.getSetCookie()[0]!;
    expect(setCookie).toMatch(/^imageka_session=/);
    await expect(client.generate({ prompt: 'x', captcha: ANSWER })).resolves.toMatchObject({ width: 1024 });
    const [generate] = generateOf(fetch.exchanges);
    expect(generate!.request.get('cookie')).toBe(setCookie.split(';')[0]);
    expect(generate!.request.has(SESSION_HEADER)).toBe(false);
  });

  it('without any cookie, the session header held in memory carries the session', async () => {
    const { baseUrl } = await startApi({ crossSite: true });
    const fetch = recordingFetch(withoutCookies);
    const client = new Imageka({ baseUrl, fetch });
    await client.captcha();
    const sealed = fetch.exchanges[0]!.response!.get(SESSION_HEADER);
    expect(sealed).toBeTruthy();
    const audio = await client.captchaAudio();
    expect(audio.size).toBeGreaterThan(44);
    const progress: number[] = [];
    const result = await client.generate({ prompt: 'x', captcha: ANSWER }, { onProgress: (p) => progress.push(p.elapsedMs) });
    expect(result).toMatchObject({ width: 1024, height: 1024 });
    for (const exchange of fetch.exchanges.slice(1)) {
      expect(exchange.request.get(SESSION_HEADER)).toBe(sealed);
      expect(exchange.request.has('cookie')).toBe(false);
    }
  });

  it('the header fallback keeps single use: the spent captcha is gone, also for parallel requests', async () => {
    const { baseUrl } = await startApi({ maxInFlightPerClient: 5 });
    const client = new Imageka({ baseUrl, fetch: recordingFetch(withoutCookies) });
    await client.captcha();
    const attempts = await Promise.allSettled(Array.from({ length: 5 }, () => client.generate({ prompt: 'x', captcha: ANSWER })));
    expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
    const refused = attempts.flatMap((a) => (a.status === 'rejected' ? [a.reason as unknown] : []));
    // They share the captcha's one proof of work: spent already (pow_invalid), or the captcha is gone.
    expect(refused.every((error) => (isCaptchaError(error) && error.reason === 'missing') || (isProofOfWorkError(error) && error.reason === 'invalid'))).toBe(true);
    await expect(client.generate({ prompt: 'x', captcha: ANSWER })).rejects.toMatchObject({ name: 'CaptchaError', reason: 'missing' });
  });

  it('the header fallback keeps expiry', async () => {
    let now = Date.now();
    const { baseUrl } = await startApi({ now: () => now, captchaTtlMs: 60_000 });
    const client = new Imageka({ baseUrl, fetch: recordingFetch(withoutCookies) });
    await client.captcha();
    now += 60_001;
    await expect(client.generate({ prompt: 'x', captcha: ANSWER })).rejects.toMatchObject({ name: 'ProofOfWorkError', reason: 'invalid' });
  });

  it('each client is its own visitor: one client’s session does not answer for another', async () => {
    const { baseUrl } = await startApi();
    const first = new Imageka({ baseUrl });
    const second = new Imageka({ baseUrl });
    await first.captcha();
    await expect(second.generate({ prompt: 'x', captcha: ANSWER })).rejects.toMatchObject({ reason: 'missing' });
    await expect(first.generate({ prompt: 'x', captcha: ANSWER })).resolves.toMatchObject({ width: 1024 });
  });

  it('in a browser, asks fetch to include credentials and leaves cookies to the browser', async () => {
    const { baseUrl } = await startApi();
    vi.stubGlobal('document', {});
    const inits: RequestInit[] = [];
    const fetch = recordingFetch();
    const client = new Imageka({
      baseUrl,
      fetch: (input, init = {}) => {
        inits.push(init);
        return fetch(input, init);
      },
    });
    await client.captcha();
    await client.generate({ prompt: 'x', captcha: ANSWER });
    expect(inits.map((init) => init.credentials)).toEqual(['include', 'include']);
    // Node's fetch keeps no cookies, so here only the header can have carried the session.
    expect(fetch.exchanges[1]!.request.has('cookie')).toBe(false);
    expect(fetch.exchanges[1]!.request.get(SESSION_HEADER)).toBe(fetch.exchanges[0]!.response!.get(SESSION_HEADER));
  });
});
