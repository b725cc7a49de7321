import { describe, expect, it } from 'vitest';
import * as errors from '../../sdk/errors.js';
import { ERROR_CODES, ERROR_STATUS, type ErrorBody, type ErrorCode } from '../../sdk/types.js';

const {
  APIError,
  AbortError,
  CaptchaError,
  ConnectionError,
  ImagekaError,
  OverloadedError,
  PromptRejectedError,
  ProviderError,
  RateLimitError,
  TimeoutError,
  ValidationError,
  errorFromBody,
} = errors;

const bodyFor = (code: ErrorCode, extra: Partial<ErrorBody> = {}): ErrorBody => ({
  statusCode: ERROR_STATUS[code],
  error: 'Reason',
  message: `message for ${code}`,
  code,
  ...extra,
});

const CLASS_OF: Record<ErrorCode, string> = {
  invalid_request: 'ValidationError',
  payload_too_large: 'ValidationError',
  unsupported_media_type: 'ValidationError',
  captcha_missing: 'CaptchaError',
  captcha_wrong: 'CaptchaError',
  captcha_expired: 'CaptchaError',
  captcha_audio_limit: 'CaptchaError',
  pow_missing: 'ProofOfWorkError',
  pow_invalid: 'ProofOfWorkError',
  rate_limited: 'RateLimitError',
  concurrent_limit: 'RateLimitError',
  prompt_rejected: 'PromptRejectedError',
  provider_busy: 'ProviderError',
  provider_error: 'ProviderError',
  provider_timeout: 'ProviderError',
  overloaded: 'OverloadedError',
  capacity_reached: 'CapacityError',
  store_unavailable: 'APIError',
  not_found: 'APIError',
  internal_error: 'APIError',
};

describe('errorFromBody', () => {
  it.each(ERROR_CODES)('maps %s to its class, keeping status, code, message and request id', (code) => {
    const headers = new Headers({ 'x-request-id': 'req-1' });
    const error = errorFromBody(ERROR_STATUS[code], bodyFor(code), headers);
    expect(error.name).toBe(CLASS_OF[code]);
    expect(error).toBeInstanceOf(APIError);
    expect(error).toBeInstanceOf(ImagekaError);
    expect(errors.isAPIError(error)).toBe(true);
    expect(error.status).toBe(ERROR_STATUS[code]);
    expect(error.code).toBe(code);
    expect(error.message).toBe(`message for ${code}`);
    expect(error.requestId).toBe('req-1');
    expect(error.headers.get('x-request-id')).toBe('req-1');
  });

  it('gives CaptchaError the reason', () => {
    const reasons = (['captcha_missing', 'captcha_wrong', 'captcha_expired', 'captcha_audio_limit'] as const).map(
      (code) => (errorFromBody(400, bodyFor(code), new Headers()) as InstanceType<typeof CaptchaError>).reason,
    );
    expect(reasons).toEqual(['missing', 'wrong', 'expired', 'audio_limit']);
  });

  it('reads retryAfter from the body first, then a Retry-After header in seconds or as a date', () => {
    const fromBody = errorFromBody(429, bodyFor('rate_limited', { retryAfter: 7 }), new Headers({ 'retry-after': '99' }));
    const fromHeader = errorFromBody(503, bodyFor('overloaded'), new Headers({ 'retry-after': '12' }));
    const date = new Date(Date.now() + 30_000).toUTCString();
    const fromDate = errorFromBody(503, bodyFor('provider_busy'), new Headers({ 'retry-after': date }));
    const none = errorFromBody(429, bodyFor('rate_limited'), new Headers());
    expect((fromBody as InstanceType<typeof RateLimitError>).retryAfter).toBe(7);
    expect((fromHeader as InstanceType<typeof OverloadedError>).retryAfter).toBe(12);
    expect((fromDate as InstanceType<typeof ProviderError>).retryAfter).toBeGreaterThanOrEqual(28);
    expect((fromDate as InstanceType<typeof ProviderError>).retryAfter).toBeLessThanOrEqual(30);
    expect((none as InstanceType<typeof RateLimitError>).retryAfter).toBeUndefined();
  });

  it('treats a body that is not the API’s by status: 429 is still a RateLimitError', () => {
    expect(errorFromBody(429, undefined, new Headers({ 'retry-after': '3' }))).toMatchObject({
      name: 'RateLimitError',
      retryAfter: 3,
      code: undefined,
    });
    expect(errorFromBody(502, undefined, new Headers()).name).toBe('APIError');
  });
});

describe('type guards', () => {
  const headers = new Headers();
  const samples = {
    ImagekaError: new ImagekaError('x'),
    APIError: new APIError(500, bodyFor('internal_error'), headers),
    ValidationError: new ValidationError(400, bodyFor('invalid_request'), headers),
    CaptchaError: new CaptchaError('wrong', 403, bodyFor('captcha_wrong'), headers),
    RateLimitError: new RateLimitError(429, bodyFor('rate_limited'), headers),
    PromptRejectedError: new PromptRejectedError(422, bodyFor('prompt_rejected'), headers),
    ProviderError: new ProviderError(502, bodyFor('provider_error'), headers),
    OverloadedError: new OverloadedError(503, bodyFor('overloaded'), headers),
    ConnectionError: new ConnectionError('x', { cause: new TypeError('fetch failed') }),
    TimeoutError: new TimeoutError(100),
    AbortError: new AbortError({ cause: 'stop' }),
  };
  const guards = {
    ImagekaError: errors.isImagekaError,
    APIError: errors.isAPIError,
    ValidationError: errors.isValidationError,
    CaptchaError: errors.isCaptchaError,
    RateLimitError: errors.isRateLimitError,
    PromptRejectedError: errors.isPromptRejectedError,
    ProviderError: errors.isProviderError,
    OverloadedError: errors.isOverloadedError,
    ConnectionError: errors.isConnectionError,
    TimeoutError: errors.isTimeoutError,
    AbortError: errors.isAbortError,
  };
  const apiChildren = ['ValidationError', 'CaptchaError', 'RateLimitError', 'PromptRejectedError', 'ProviderError', 'OverloadedError'];

  it.each(Object.keys(samples) as (keyof typeof samples)[])('%s: name set, and each guard follows the hierarchy', (name) => {
    const error = samples[name];
    expect(error.name).toBe(name);
    for (const [guardName, guard] of Object.entries(guards)) {
      const expected =
        guardName === name ||
        guardName === 'ImagekaError' ||
        (guardName === 'APIError' && apiChildren.includes(name));
      expect(guard(error), `${guardName}(${name})`).toBe(expected);
    }
  });

  it('keeps cause on connection, timeout and abort errors', () => {
    expect(samples.ConnectionError.cause).toBeInstanceOf(TypeError);
    expect(samples.AbortError.cause).toBe('stop');
    expect(new TimeoutError(5, { cause: 'late' }).cause).toBe('late');
  });

  it('recognises errors made by another copy of the SDK, where instanceof fails', async () => {
    // A query string makes the module loader evaluate a second, independent copy of the module.
    const copy = '../../sdk/errors.js?second-copy';
    const other = (await import(/* @vite-ignore */ copy)) as typeof errors;
    const foreign = new other.RateLimitError(429, bodyFor('rate_limited', { retryAfter: 2 }), headers);
    expect(foreign).not.toBeInstanceOf(RateLimitError);
    expect(errors.isRateLimitError(foreign)).toBe(true);
    expect(errors.isAPIError(foreign)).toBe(true);
    expect(errors.isCaptchaError(foreign)).toBe(false);
  });

  it('does not mistake look-alikes for SDK errors', () => {
    expect(errors.isAbortError(new DOMException('stop', 'AbortError'))).toBe(false);
    expect(errors.isTimeoutError(new DOMException('late', 'TimeoutError'))).toBe(false);
    expect(errors.isCaptchaError({ name: 'CaptchaError', reason: 'wrong' })).toBe(false);
    expect(errors.isImagekaError(null)).toBe(false);
    expect(errors.isImagekaError('ImagekaError')).toBe(false);
  });
});
