import { createServer } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryCaptchaStore } from '../../api/captcha/store.js';
import { Imageka, isConnectionError } from '../../sdk/index.js';
import { ANSWER, clientOf, recordingFetch, startApi } from './harness.js';

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** A fetch that answers from a script: each entry a status (with headers) or a thrown network error. */
function scriptedFetch(script: ({ status: number; headers?: Record<string, string> } | 'network')[]) {
  const calls: string[] = [];
  const fetch = async (input: RequestInfo | URL, init: RequestInit = {}) => {
    calls.push(`${init.method ?? 'GET'} ${new URL(String(input)).pathname}`);
    const step = script[Math.min(calls.length - 1, script.length - 1)]!;
    if (step === 'network') throw new TypeError('fetch failed', { cause: new Error('ECONNRESET') });
    const body = step.status === 200 ? { status: 'ok', ready: true } : { statusCode: step.status, error: 'E', message: 'm', code: 'internal_error' };
    return new Response(JSON.stringify(body), { status: step.status, headers: { 'content-type': 'application/json', ...step.headers } });
  };
  return { fetch: fetch as typeof globalThis.fetch, calls };
}

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('retries against the real API', () => {
  it('a captcha that failed with a 500 is fetched again after a backoff, and succeeds', async () => {
    let failures = 1;
    const store = new MemoryCaptchaStore(Date.now);
    const put = store.put.bind(store);
    store.put = async (...args) => {
      if (failures-- > 0) throw new Error('store hiccup');
      return put(...args);
    };
    const { baseUrl } = await startApi({ captchaStore: store });
    const { client, exchanges } = clientOf(baseUrl);
    const captcha = await client.captcha();
    expect(captcha.image).toMatch(/^data:image\//);
    expect(exchanges.map((e) => e.status)).toEqual([500, 200]);
    await expect(client.generate({ prompt: 'x', captcha: ANSWER })).resolves.toMatchObject({ width: 1024 });
  });

  it('honours a proxy’s 503 with Retry-After in front of the API', async () => {
    const { baseUrl } = await startApi();
    const inner = recordingFetch();
    let first = true;
    const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      if (!first) return inner(input, init);
      first = false;
      return new Response('<h1>Service Unavailable</h1>', { status: 503, headers: { 'retry-after': '1', 'content-type': 'text/html' } });
    }) as typeof globalThis.fetch;
    const client = new Imageka({ baseUrl, fetch });
    await expect(client.health()).resolves.toMatchObject({ ready: true });
    expect(inner.exchanges.map((e) => e.status)).toEqual([200]);
  });

  it('gives up on an unreachable API after maxRetries with a ConnectionError carrying the cause', async () => {
    const fetch = recordingFetch();
    const client = new Imageka({ baseUrl: `http://127.0.0.1:${await closedPort()}`, fetch, maxRetries: 2 });
    const error = await client.captcha().catch((thrown: unknown) => thrown);
    expect(isConnectionError(error)).toBe(true);
    expect((error as Error).cause).toBeInstanceOf(TypeError);
    expect(fetch.exchanges).toHaveLength(3);
  });

  it('never re-sends generate, even after a connection error', async () => {
    const fetch = recordingFetch();
    const client = new Imageka({ baseUrl: `http://127.0.0.1:${await closedPort()}`, fetch, maxRetries: 5 });
    await expect(client.generate({ prompt: 'x', captcha: ANSWER })).rejects.toMatchObject({ name: 'ConnectionError' });
    await expect(client.generate({ prompt: 'x', captcha: ANSWER }, { onProgress: () => {} })).rejects.toMatchObject({ name: 'ConnectionError' });
    expect(fetch.exchanges).toHaveLength(2);
  });
});

describe('retry policy (scripted fetch, fake clock)', () => {
  it('waits exactly what Retry-After says, in seconds or as an HTTP date', async () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 0, 1) });
    // Asked at t = 1 s, this date means two more seconds.
    const atThreeSeconds = new Date(Date.UTC(2026, 0, 1, 0, 0, 3)).toUTCString();
    const { fetch, calls } = scriptedFetch([
      { status: 503, headers: { 'retry-after': '1' } },
      { status: 429, headers: { 'retry-after': atThreeSeconds } },
      { status: 200 },
    ]);
    const pending = new Imageka({ baseUrl: 'https://api.example', fetch }).health();
    await vi.advanceTimersByTimeAsync(999);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1999);
    expect(calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(3);
    await expect(pending).resolves.toMatchObject({ ready: true });
  });

  it.each([
    [0, 500, 1000],
    [0.8, 400, 800],
  ])('without Retry-After, backs off exponentially from 500 ms, less up to a quarter of jitter (Math.random() = %s)', async (random, first, second) => {
    vi.useFakeTimers();
    vi.spyOn(Math, 'random').mockReturnValue(random);
    const { fetch, calls } = scriptedFetch([{ status: 502 }, { status: 502 }, { status: 200 }]);
    const pending = new Imageka({ baseUrl: 'https://api.example', fetch }).health();
    await vi.advanceTimersByTimeAsync(first - 1);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(second - 1);
    expect(calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(3);
    await expect(pending).resolves.toMatchObject({ ready: true });
  });

  it.each([408, 429, 500, 502, 503, 504])('retries %i', async (status) => {
    const { fetch, calls } = scriptedFetch([{ status, headers: { 'retry-after': '0' } }, { status: 200 }]);
    await new Imageka({ baseUrl: 'https://api.example', fetch }).health();
    expect(calls).toEqual(['GET /api/v1/health', 'GET /api/v1/health']);
  });

  it.each([400, 403, 404, 413, 415, 422])('does not retry %i', async (status) => {
    const { fetch, calls } = scriptedFetch([{ status, headers: { 'retry-after': '0' } }, { status: 200 }]);
    await expect(new Imageka({ baseUrl: 'https://api.example', fetch }).captcha()).rejects.toMatchObject({ status });
    expect(calls).toHaveLength(1);
  });

  it('stops after maxRetries, with the last error', async () => {
    const { fetch, calls } = scriptedFetch(['network', 'network', { status: 500, headers: { 'retry-after': '0' } }]);
    await expect(new Imageka({ baseUrl: 'https://api.example', fetch, maxRetries: 2 }).captcha()).rejects.toMatchObject({
      name: 'APIError',
      status: 500,
    });
    expect(calls).toHaveLength(3);
    const none = scriptedFetch(['network', { status: 200 }]);
    await expect(new Imageka({ baseUrl: 'https://api.example', fetch: none.fetch, maxRetries: 0 }).health()).rejects.toMatchObject({
      name: 'ConnectionError',
    });
    expect(none.calls).toHaveLength(1);
  });

  it('an abort during the wait rejects at once with AbortError', async () => {
    vi.useFakeTimers();
    const { fetch, calls } = scriptedFetch([{ status: 503, headers: { 'retry-after': '5' } }, { status: 200 }]);
    const controller = new AbortController();
    const pending = new Imageka({ baseUrl: 'https://api.example', fetch }).health({ signal: controller.signal });
    const settled = pending.catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(100);
    controller.abort('stop');
    expect(await settled).toMatchObject({ name: 'AbortError', cause: 'stop' });
    expect(calls).toHaveLength(1);
  });

  it('maxRetryDelay caps the wait: a longer Retry-After is returned to the caller', async () => {
    const { fetch, calls } = scriptedFetch([{ status: 503, headers: { 'retry-after': '3' } }, { status: 200 }]);
    await expect(new Imageka({ baseUrl: 'https://api.example', fetch, maxRetryDelay: 2000 }).health()).rejects.toMatchObject({
      status: 503,
    });
    expect(calls).toHaveLength(1);
  });
});
