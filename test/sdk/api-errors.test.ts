import { describe, expect, it } from 'vitest';
import { UpstreamError as UpstreamFailure } from '../../api/providers/types.js';
import {
  isCapacityError,
  isCaptchaError,
  isOverloadedError,
  isPromptRejectedError,
  isProviderError,
  isRateLimitError,
  isValidationError,
  type APIError,
  type CapacityError,
  type CaptchaError,
  type Imageka,
  type OverloadedError,
  type ProviderError,
  type RateLimitError,
} from '../../sdk/index.js';
import type { GenerateRequest } from '../../sdk/types.js';
import { scriptedProvider } from '../helpers/server.js';
import { ANSWER, clientOf, hangingProvider, startApi, type Exchange } from './harness.js';

async function failure(promise: Promise<unknown>): Promise<APIError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (error === undefined) throw new Error('expected a rejection');
  return error as APIError;
}

/** The error carries the response's request id, and the request was sent exactly once. */
function expectSentOnce(error: APIError, exchanges: Exchange[], path: string): void {
  const sent = exchanges.filter((e) => new URL(e.url).pathname === path);
  expect(sent).toHaveLength(1);
  expect(error.requestId).toBeTruthy();
  expect(error.requestId).toBe(sent[0]!.response!.get('x-request-id'));
}

async function withCaptcha(client: Imageka): Promise<Imageka> {
  await client.captcha();
  return client;
}

describe('API errors as SDK classes (real server)', () => {
  it('ValidationError for a request the API refuses, with its message', async () => {
    const { baseUrl } = await startApi();
    const { client, exchanges } = clientOf(baseUrl);
    await client.captcha();
    // A size the types refuse, as plain JavaScript can still send it.
    const unknownSize = { prompt: 'x', captcha: ANSWER, width: 1000, height: 1000 } as unknown as GenerateRequest;
    const error = await failure(client.generate(unknownSize));
    expect(isValidationError(error)).toBe(true);
    expect(error).toMatchObject({ name: 'ValidationError', status: 400, code: 'invalid_request' });
    expect(error.message).toMatch(/"width" and "height"/);
    expectSentOnce(error, exchanges, '/api/v1/generate');
  });

  it.each([
    ['missing', 400, 'captcha_missing'],
    ['wrong', 403, 'captcha_wrong'],
  ] as const)('CaptchaError %s', async (reason, status, code) => {
    const { baseUrl } = await startApi();
    const { client, exchanges } = clientOf(baseUrl);
    if (reason === 'wrong') await client.captcha();
    const error = (await failure(client.generate({ prompt: 'x', captcha: 'WRONG' }))) as CaptchaError;
    expect(isCaptchaError(error)).toBe(true);
    expect(error).toMatchObject({ name: 'CaptchaError', reason, status, code });
    expectSentOnce(error, exchanges, '/api/v1/generate');
  });

  it('CaptchaError expired, from the audio route too (and not retried)', async () => {
    let now = Date.now();
    const { baseUrl } = await startApi({ now: () => now, captchaTtlMs: 60_000 });
    const { client, exchanges } = clientOf(baseUrl);
    await client.captcha();
    now += 61_000;
    const audio = (await failure(client.captchaAudio())) as CaptchaError;
    expect(audio).toMatchObject({ name: 'CaptchaError', reason: 'expired', status: 403 });
    expectSentOnce(audio, exchanges, '/api/v1/captcha/audio');
    // The proof of work expired with it, and is checked first.
    const generate = await failure(client.generate({ prompt: 'x', captcha: ANSWER }));
    expect(generate).toMatchObject({ name: 'ProofOfWorkError', reason: 'invalid', code: 'pow_invalid', status: 403 });
    expectSentOnce(generate, exchanges, '/api/v1/generate');
  });

  it('RateLimitError with retryAfter on generate, never re-sent', async () => {
    const { baseUrl } = await startApi({ generateLimit: 1 });
    const { client, exchanges } = clientOf(baseUrl);
    await (await withCaptcha(client)).generate({ prompt: 'x', captcha: ANSWER });
    await client.captcha();
    const error = (await failure(client.generate({ prompt: 'x', captcha: ANSWER }))) as RateLimitError;
    expect(isRateLimitError(error)).toBe(true);
    expect(error).toMatchObject({ status: 429, code: 'rate_limited' });
    expect(error.retryAfter).toBeGreaterThan(3000);
    expect(exchanges.filter((e) => e.method === 'POST')).toHaveLength(2);
  });

  it('RateLimitError on captcha: a Retry-After beyond maxRetryDelay is handed to the caller at once', async () => {
    const { baseUrl } = await startApi({ captchaPerMinute: 1 });
    const { client, exchanges } = clientOf(baseUrl, { maxRetries: 3 });
    await client.captcha();
    const error = (await failure(client.captcha())) as RateLimitError;
    expect(error).toMatchObject({ name: 'RateLimitError', status: 429 });
    expect(error.retryAfter).toBeGreaterThan(10);
    expect(error.headers.get('retry-after')).toBe(String(error.retryAfter));
    expect(exchanges).toHaveLength(2);
  });

  it('PromptRejectedError when the image service refuses the prompt', async () => {
    const provider = scriptedProvider(() => Promise.reject(new UpstreamFailure('rejected', 'safety system')));
    const { baseUrl } = await startApi({ provider });
    const { client, exchanges } = clientOf(baseUrl);
    const error = await failure((await withCaptcha(client)).generate({ prompt: 'x', captcha: ANSWER }));
    expect(isPromptRejectedError(error)).toBe(true);
    expect(error).toMatchObject({ name: 'PromptRejectedError', status: 422, code: 'prompt_rejected' });
    expectSentOnce(error, exchanges, '/api/v1/generate');
  });

  it.each([
    ['busy', 503, 'provider_busy', 7],
    ['error', 502, 'provider_error', undefined],
    ['timeout', 504, 'provider_timeout', undefined],
  ] as const)('ProviderError for an upstream %s, 5xx and still never re-sent', async (kind, status, code, retryAfter) => {
    const provider = scriptedProvider(() => Promise.reject(new UpstreamFailure(kind, 'upstream', { retryAfter })));
    const { baseUrl } = await startApi({ provider });
    const { client, exchanges } = clientOf(baseUrl, { maxRetries: 5 });
    const error = (await failure((await withCaptcha(client)).generate({ prompt: 'x', captcha: ANSWER }))) as ProviderError;
    expect(isProviderError(error)).toBe(true);
    expect(error).toMatchObject({ name: 'ProviderError', status, code, retryAfter });
    expectSentOnce(error, exchanges, '/api/v1/generate');
  });

  it('ProviderError from an error event in the progress stream', async () => {
    const provider = scriptedProvider(async (input) => {
      input.onProgress?.(10);
      throw new UpstreamFailure('error', 'upstream 500');
    });
    const { baseUrl } = await startApi({ provider });
    const { client, exchanges } = clientOf(baseUrl);
    const progress: number[] = [];
    const error = await failure(
      (await withCaptcha(client)).generate({ prompt: 'x', captcha: ANSWER }, { onProgress: (p) => progress.push(p.elapsedMs) }),
    );
    expect(error).toMatchObject({ name: 'ProviderError', status: 502, code: 'provider_error' });
    expect(progress.length).toBeGreaterThanOrEqual(1);
    expectSentOnce(error, exchanges, '/api/v1/generate');
  });

  it('OverloadedError when every generation slot and queue place is taken', async () => {
    const { provider, started } = hangingProvider();
    const { baseUrl } = await startApi({ provider, maxInFlight: 1, maxQueued: 0, maxInFlightPerClient: 2 });
    const busy = await withCaptcha(clientOf(baseUrl).client);
    const controller = new AbortController();
    const first = busy.generate({ prompt: 'x', captcha: ANSWER }, { signal: controller.signal }).catch(() => undefined);
    await started;
    const { client, exchanges } = clientOf(baseUrl);
    const error = (await failure((await withCaptcha(client)).generate({ prompt: 'y', captcha: ANSWER }))) as OverloadedError;
    expect(isOverloadedError(error)).toBe(true);
    expect(error).toMatchObject({ name: 'OverloadedError', status: 503, code: 'overloaded', retryAfter: 5 });
    expectSentOnce(error, exchanges, '/api/v1/generate');
    controller.abort();
    await first;
  });

  it('CapacityError when the budget is used up, with the window and the wait to its end', async () => {
    const now = Date.UTC(2026, 0, 1, 23, 30);
    const { baseUrl } = await startApi({ generationBudgetPerDay: 1, now: () => now });
    await (await withCaptcha(clientOf(baseUrl).client)).generate({ prompt: 'x', captcha: ANSWER });
    const { client, exchanges } = clientOf(baseUrl);
    const error = (await failure((await withCaptcha(client)).generate({ prompt: 'y', captcha: ANSWER }))) as CapacityError;
    expect(isCapacityError(error)).toBe(true);
    expect(error).toMatchObject({ name: 'CapacityError', status: 503, code: 'capacity_reached', retryAfter: 30 * 60, window: 'day' });
    expectSentOnce(error, exchanges, '/api/v1/generate');
  });

  it('RateLimitError with code concurrent_limit while this client already has a generation running', async () => {
    const { provider, started } = hangingProvider();
    const { baseUrl } = await startApi({ provider });
    const busy = await withCaptcha(clientOf(baseUrl).client);
    const controller = new AbortController();
    const first = busy.generate({ prompt: 'x', captcha: ANSWER }, { signal: controller.signal }).catch(() => undefined);
    await started;
    const { client, exchanges } = clientOf(baseUrl);
    const error = (await failure((await withCaptcha(client)).generate({ prompt: 'y', captcha: ANSWER }))) as RateLimitError;
    expect(isRateLimitError(error)).toBe(true);
    expect(error).toMatchObject({ name: 'RateLimitError', status: 429, code: 'concurrent_limit', retryAfter: 5 });
    expectSentOnce(error, exchanges, '/api/v1/generate');
    controller.abort();
    await first;
  });
});
