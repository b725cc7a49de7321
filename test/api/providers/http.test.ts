import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RETRY_AFTER_CAP_SECONDS, UpstreamCall, upstreamRetryAfterSeconds, safeToken, statusFailure } from '../../../api/providers/http.js';
import { expectFailure } from './fakes/contract.js';
import { CANARY, FakeUpstream, sendBytes } from './fakes/upstream.js';

const NOW = Date.parse('2026-09-01T12:00:00Z');
const headers = (h: Record<string, string>) => new Headers(h);

describe('upstreamRetryAfterSeconds', () => {
  it('reads delta-seconds', () => {
    expect(upstreamRetryAfterSeconds(headers({ 'retry-after': '12' }), NOW)).toBe(12);
  });

  it('reads an HTTP date relative to now', () => {
    expect(upstreamRetryAfterSeconds(headers({ 'retry-after': new Date(NOW + 45_000).toUTCString() }), NOW)).toBe(45);
  });

  it('prefers retry-after-ms and rounds up', () => {
    expect(upstreamRetryAfterSeconds(headers({ 'retry-after-ms': '1500', 'retry-after': '30' }), NOW)).toBe(2);
  });

  it('waits at least one second for a date in the past or zero', () => {
    expect(upstreamRetryAfterSeconds(headers({ 'retry-after': new Date(NOW - 60_000).toUTCString() }), NOW)).toBe(1);
    expect(upstreamRetryAfterSeconds(headers({ 'retry-after': '0' }), NOW)).toBe(1);
  });

  it('caps long waits (daily quotas)', () => {
    expect(upstreamRetryAfterSeconds(headers({ 'retry-after': '86400' }), NOW)).toBe(RETRY_AFTER_CAP_SECONDS);
  });

  it('ignores absent or unreadable values', () => {
    expect(upstreamRetryAfterSeconds(headers({}), NOW)).toBeUndefined();
    expect(upstreamRetryAfterSeconds(headers({ 'retry-after': 'soon' }), NOW)).toBeUndefined();
    expect(upstreamRetryAfterSeconds(headers({ 'retry-after': '-5' }), NOW)).toBeUndefined();
  });
});

describe('statusFailure', () => {
  const res = (status: number, h: Record<string, string> = {}) => new Response(null, { status, headers: h });

  it.each([
    [429, 'busy'],
    [402, 'busy'],
    [503, 'busy'],
    [408, 'timeout'],
    [504, 'timeout'],
    [401, 'error'],
    [403, 'error'],
    [400, 'error'],
    [500, 'error'],
  ] as const)('%i → %s', (status, kind) => {
    expect(statusFailure(res(status)).kind).toBe(kind);
  });

  it('carries Retry-After, else the fallback, on busy', () => {
    expect(statusFailure(res(429, { 'retry-after': '9' }), undefined, 3).retryAfter).toBe(9);
    expect(statusFailure(res(503), undefined, 3).retryAfter).toBe(3);
  });

  it('puts the status and a code into the detail', () => {
    expect(statusFailure(res(401), 'invalid_api_key').detail).toBe('upstream 401 invalid_api_key');
  });
});

describe('safeToken', () => {
  it('keeps enum-like codes and drops free text', () => {
    expect(safeToken('moderation_blocked')).toBe('moderation_blocked');
    expect(safeToken(3040)).toBe('3040');
    expect(safeToken(CANARY)).toBeUndefined();
    expect(safeToken('x'.repeat(65))).toBeUndefined();
    expect(safeToken({ code: 'a' })).toBeUndefined();
  });
});

describe('UpstreamCall', () => {
  let fake: FakeUpstream;
  beforeEach(async () => {
    fake = await FakeUpstream.start((seen, res) => {
      if (seen.url === '/big') sendBytes(res, 200, Buffer.alloc(2048, 1), 'application/octet-stream');
      else sendBytes(res, 200, Buffer.from(`{"echo": "${CANARY}"`), 'application/json');
    });
  });
  afterEach(async () => { await fake.close(); });

  it('refuses malformed JSON without quoting it', async () => {
    const call = new UpstreamCall(new AbortController().signal, 5000);
    const res = await call.fetch(`${fake.url}/json`);
    await expectFailure(call.json(res), 'bad_output');
  });

  it('refuses bodies over the limit', async () => {
    const call = new UpstreamCall(new AbortController().signal, 5000);
    const res = await call.fetch(`${fake.url}/big`);
    const err = await expectFailure(call.bytes(res, 1024), 'bad_output');
    expect(err.detail).toContain('larger than 1024');
  });

  it('reports a refused connection as a network error with its code only', async () => {
    const call = new UpstreamCall(new AbortController().signal, 5000);
    const url = fake.url;
    await fake.close();
    const err = await expectFailure(call.fetch(`${url}/${encodeURIComponent(CANARY)}`), 'error');
    expect(err.detail).toBe('network error (ECONNREFUSED)');
  });

  it('maps a caller deadline (TimeoutError) to timeout and a plain abort to error', async () => {
    const deadline = new UpstreamCall(AbortSignal.abort(new DOMException('late', 'TimeoutError')), 5000);
    await expectFailure(deadline.fetch(fake.url), 'timeout');
    const gone = new UpstreamCall(AbortSignal.abort(new Error('client left')), 5000);
    await expectFailure(gone.sleepOrThrow(10), 'error');
  });
});
