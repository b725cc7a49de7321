/**
 * The cases every adapter must pass against its fake: success, safety rejection, 401, 429 with
 * Retry-After in seconds and as a date, a slow upstream, a malformed body and a client abort.
 * Every failure is also checked for the canary prompt.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UpstreamError, type GeneratedImage, type GenerateInput, type ImageProvider, type ProviderFailure } from '../../../../api/providers/types.js';
import { CANARY, RETRY_DATE_SECONDS, RETRY_SECONDS, type FakeUpstream, type Scenario, type Seen } from './upstream.js';

export interface ContractOptions {
  name: string;
  start(): Promise<FakeUpstream>;
  create(fake: FakeUpstream, timeoutMs: number): ImageProvider;
  /** Extra checks on a successful image (mime type, seed). */
  success?(image: GeneratedImage, fake: FakeUpstream): void;
}

export function generateInput(signal: AbortSignal = new AbortController().signal, extra: Partial<GenerateInput> = {}): GenerateInput {
  return { prompt: CANARY, negativePrompt: 'blurry', width: 1024, height: 1024, seed: 1234, signal, ...extra };
}

/** Awaits a failure and checks its kind and that no trace of the prompt is in it. */
export async function expectFailure(promise: Promise<unknown>, kind: ProviderFailure): Promise<UpstreamError> {
  const err = await promise.then(
    () => { throw new Error(`expected a '${kind}' UpstreamError, got an image`); },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UpstreamError);
  const failure = err as UpstreamError;
  expect(failure.kind).toBe(kind);
  expectNoLeak(failure);
  return failure;
}

export function expectNoLeak(err: UpstreamError): void {
  for (const text of [err.message, err.detail, String(err.cause), JSON.stringify(err)]) {
    expect(text).not.toContain(CANARY);
    expect(text).not.toContain(encodeURIComponent(CANARY));
  }
}

/** Whether the canary reached the fake at all, so the leak checks are not vacuous. */
export function promptReached(fake: FakeUpstream): boolean {
  return fake.seen.some((s) => s.body.includes(CANARY) || decodeURIComponent(s.url).includes(CANARY));
}

export function providerContract(options: ContractOptions): void {
  describe(`${options.name}: upstream contract`, () => {
    let fake: FakeUpstream;
    beforeEach(async () => { fake = await options.start(); });
    afterEach(async () => { await fake.close(); });

    const run = (scenario: Scenario, timeoutMs = 10_000, signal?: AbortSignal) => {
      fake.scenario = scenario;
      return options.create(fake, timeoutMs).generate(generateInput(signal));
    };

    it('returns the upstream image on success', async () => {
      const image = await run('success');
      expect(image.bytes.byteLength).toBeGreaterThan(0);
      expect(['image/png', 'image/jpeg', 'image/webp']).toContain(image.mimeType);
      expect(promptReached(fake)).toBe(true);
      options.success?.(image, fake);
    });

    it('maps the safety rejection to rejected', async () => {
      await expectFailure(run('safety'), 'rejected');
      expect(promptReached(fake)).toBe(true);
    });

    it('maps 401 to an operator error', async () => {
      const err = await expectFailure(run('unauthorized'), 'error');
      expect(err.detail).toContain('401');
    });

    it('maps 429 to busy with Retry-After in seconds', async () => {
      const err = await expectFailure(run('rate-seconds'), 'busy');
      expect(err.retryAfter).toBe(RETRY_SECONDS);
    });

    it('maps 429 to busy with Retry-After as an HTTP date', async () => {
      const err = await expectFailure(run('rate-date'), 'busy');
      // An HTTP date has one-second resolution and the clock moves on while the test runs.
      expect(err.retryAfter).toBeGreaterThanOrEqual(RETRY_DATE_SECONDS - 5);
      expect(err.retryAfter).toBeLessThanOrEqual(RETRY_DATE_SECONDS + 1);
    });

    it('times out a slow upstream and closes the upstream request', async () => {
      const held = fake.nextHold();
      await expectFailure(run('slow', 300), 'timeout');
      await expectClosed(await held);
    });

    it('maps a malformed body to bad_output', async () => {
      await expectFailure(run('malformed'), 'bad_output');
    });

    it('aborts the upstream request when the visitor disconnects', async () => {
      const controller = new AbortController();
      const result = run('slow', 10_000, controller.signal);
      const held = await fake.nextHold();
      controller.abort(new Error('client disconnected'));
      const err = await expectFailure(result, 'error');
      expect(err.detail).toBe('aborted by caller');
      await expectClosed(held);
    });
  });
}

async function expectClosed(seen: Seen): Promise<void> {
  await seen.aborted;
  expect(seen.wasAborted).toBe(true);
}
