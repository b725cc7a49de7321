import { describe, expect, it } from 'vitest';
import { Imageka, isAbortError, isTimeoutError, type TimeoutError } from '../../sdk/index.js';
import { ANSWER, clientOf, hangingProvider, startApi } from './harness.js';

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

async function solvedClient(options: Parameters<typeof clientOf>[1] = {}) {
  const hanging = hangingProvider();
  const { baseUrl } = await startApi({ provider: hanging.provider });
  const { client, exchanges } = clientOf(baseUrl, options);
  await client.captcha();
  return { client, exchanges, ...hanging };
}

describe('cancelling generate (real server)', () => {
  it.each([
    ['JSON', false],
    ['event stream', true],
  ])('an AbortSignal rejects with AbortError (%s), and the API aborts the upstream call', async (_mode, stream) => {
    const { client, started, aborted } = await solvedClient();
    const controller = new AbortController();
    const pending = client.generate(
      { prompt: 'x', captcha: ANSWER },
      { signal: controller.signal, ...(stream ? { onProgress: () => {} } : {}) },
    );
    await started;
    controller.abort('visitor left');
    const error = await rejection(pending);
    expect(isAbortError(error)).toBe(true);
    expect((error as Error).cause).toBe('visitor left');
    await expect(aborted).resolves.toBeDefined();
  });

  it('leaving a generateStream loop early closes the connection and the API aborts the upstream call', async () => {
    const { client, started, aborted } = await solvedClient();
    for await (const event of client.generateStream({ prompt: 'x', captcha: ANSWER })) {
      expect(event.type).toBe('progress');
      await started;
      break;
    }
    await expect(aborted).resolves.toBeDefined();
  });

  it('the timeout rejects with TimeoutError, and the API aborts the upstream call', async () => {
    const { client, started, aborted } = await solvedClient({ generateTimeout: 400 });
    const pending = rejection(client.generate({ prompt: 'x', captcha: ANSWER }));
    await started;
    const error = (await pending) as TimeoutError;
    expect(isTimeoutError(error)).toBe(true);
    expect(error.timeout).toBe(400);
    expect(isAbortError(error)).toBe(false);
    await expect(aborted).resolves.toBeDefined();
  });

  it('a per-call timeout overrides the client’s, for streams too', async () => {
    const { client, started, aborted } = await solvedClient();
    const pending = rejection(client.generate({ prompt: 'x', captcha: ANSWER }, { timeout: 300, onProgress: () => {} }));
    await started;
    expect(await pending).toMatchObject({ name: 'TimeoutError', timeout: 300 });
    await expect(aborted).resolves.toBeDefined();
  });

  it('an already aborted signal sends nothing', async () => {
    const { client, exchanges } = await solvedClient();
    const signal = AbortSignal.abort('too late');
    await expect(client.generate({ prompt: 'x', captcha: ANSWER }, { signal })).rejects.toMatchObject({ name: 'AbortError', cause: 'too late' });
    await expect(client.captcha({ signal })).rejects.toMatchObject({ name: 'AbortError' });
    const stream = client.generateStream({ prompt: 'x', captcha: ANSWER }, { signal });
    await expect(stream.next()).rejects.toMatchObject({ name: 'AbortError' });
    expect(exchanges).toHaveLength(1);
  });
});

describe('cancelling idempotent requests', () => {
  /** A fetch that never answers until its signal aborts, like a server that accepted and stalled. */
  function stalledFetch() {
    const calls: RequestInit[] = [];
    const fetch = (_input: RequestInfo | URL, init: RequestInit = {}) => {
      calls.push(init);
      return new Promise<Response>((_resolve, reject) => {
        init.signal?.addEventListener('abort', () => reject(init.signal?.reason));
      });
    };
    return { fetch: fetch as typeof globalThis.fetch, calls };
  }

  it('a timed-out captcha request is not retried: the caller set that limit', async () => {
    const { fetch, calls } = stalledFetch();
    const client = new Imageka({ baseUrl: 'http://127.0.0.1:1', fetch, timeout: 50, maxRetries: 3 });
    await expect(client.captcha()).rejects.toMatchObject({ name: 'TimeoutError', timeout: 50 });
    expect(calls).toHaveLength(1);
  });

  it('an abort while the request is in flight rejects with AbortError and is not retried', async () => {
    const { fetch, calls } = stalledFetch();
    const client = new Imageka({ baseUrl: 'http://127.0.0.1:1', fetch, maxRetries: 3 });
    const controller = new AbortController();
    const pending = client.health({ signal: controller.signal });
    controller.abort(new Error('navigated away'));
    const error = await rejection(pending);
    expect(error).toMatchObject({ name: 'AbortError', cause: new Error('navigated away') });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.signal!.aborted).toBe(true);
  });
});
