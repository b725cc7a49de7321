// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import {
  APIError,
  CapacityError,
  CaptchaError,
  ConnectionError,
  OverloadedError,
  PromptRejectedError,
  ProviderError,
  RateLimitError,
  TimeoutError,
  ValidationError,
  type CaptchaResponse,
  type ErrorBody,
  type ErrorCode,
  ProofOfWorkError,
} from '../../sdk/index.js';
import { focusTarget, problemOf, type Problem } from '../../widget/problems.js';
import { challengeOf, initialState, isCaptchaLoading, reduce, type Action, type Picture, type State } from '../../widget/state.js';

const challenge: CaptchaResponse = {
  image: 'data:image/webp;base64,AA', width: 200, height: 70, expiresAt: '2026-01-01T00:10:00.000Z', audio: '/api/v1/captcha/audio', generationsLeft: 30, generationsResetAt: '2026-01-01T01:00:00.000Z',
  pow: { algorithm: 'PBKDF2-SHA-256', salt: 'A'.repeat(22), iterations: 1000, maxNumber: 0, key: 'A'.repeat(43), expiresAt: '2026-01-01T00:10:00.000Z', signature: 'A'.repeat(43) },
};
const next: CaptchaResponse = { ...challenge, image: 'data:image/webp;base64,BB' };
const picture: Picture = { id: 'p', image: 'data:image/webp;base64,CC', prompt: 'fox', width: 1024, height: 1024, seed: 1, preview: true, createdAt: 1 };
const wrong: Problem = { kind: 'captcha-wrong', stage: 'generate', code: 'captcha_wrong' };
const captchaDown: Problem = { kind: 'network', stage: 'captcha', code: 'connection_error' };
const limited: Problem = { kind: 'rate-limited', stage: 'generate', code: 'rate_limited', retryAt: 5000 };

const run = (state: State, ...actions: Action[]) => actions.reduce(reduce, state);

describe('the state machine', () => {
  it('starts idle, loads a captcha, becomes ready', () => {
    expect(initialState).toEqual({ name: 'idle' });
    const loading = run(initialState, { type: 'captcha-requested' });
    expect(loading).toEqual({ name: 'loading-captcha' });
    expect(isCaptchaLoading(loading)).toBe(true);
    expect(run(loading, { type: 'captcha-loaded', challenge })).toEqual({ name: 'ready', challenge });
  });

  it('generates from ready, with progress, to done; the next challenge loads inside done', () => {
    const generating = run({ name: 'ready', challenge }, { type: 'generate-started', at: 10 }, { type: 'progress', progress: { elapsedMs: 1000, percent: 40 } });
    expect(generating).toEqual({ name: 'generating', startedAt: 10, progress: { elapsedMs: 1000, percent: 40 } });
    expect(challengeOf(generating)).toBeUndefined();
    const done = run(generating, { type: 'generated', picture });
    expect(done).toEqual({ name: 'done', picture });
    expect(isCaptchaLoading(done)).toBe(true);
    const again = run(done, { type: 'captcha-requested' }, { type: 'captcha-loaded', challenge: next });
    expect(again).toEqual({ name: 'done', picture, challenge: next });
    expect(challengeOf(again)).toBe(next);
    expect(run(again, { type: 'generate-started', at: 20 })).toEqual({ name: 'generating', startedAt: 20 });
  });

  it('a failed generation is an error that keeps its message while the next challenge loads', () => {
    const error = run({ name: 'generating', startedAt: 1 }, { type: 'generate-failed', problem: wrong });
    expect(error).toEqual({ name: 'error', problem: wrong, loading: false });
    const reloading = run(error, { type: 'captcha-requested' });
    expect(reloading).toEqual({ name: 'error', problem: wrong, loading: true });
    expect(isCaptchaLoading(reloading)).toBe(true);
    const answerable = run(reloading, { type: 'captcha-loaded', challenge });
    expect(answerable).toEqual({ name: 'error', problem: wrong, challenge, loading: false });
    expect(run(answerable, { type: 'generate-started', at: 3 }).name).toBe('generating');
  });

  it('a captcha that fails to load is an error; one that loads afterwards settles it', () => {
    const error = run({ name: 'loading-captcha' }, { type: 'captcha-failed', problem: captchaDown });
    expect(error).toEqual({ name: 'error', problem: captchaDown, loading: false });
    expect(challengeOf(error)).toBeUndefined();
    expect(run(error, { type: 'generate-started', at: 1 })).toBe(error);
    expect(run(error, { type: 'captcha-requested' }, { type: 'captcha-loaded', challenge })).toEqual({ name: 'ready', challenge });
    expect(run({ name: 'done', picture, challenge }, { type: 'captcha-failed', problem: captchaDown })).toEqual({ name: 'error', problem: captchaDown, loading: false });
  });

  it('a queued generation keeps its place in line until progress comes, then shows progress only', () => {
    const generating = run({ name: 'ready', challenge }, { type: 'generate-started', at: 1 });
    const queued = run(generating, { type: 'queued', position: 3 }, { type: 'queued', position: 2 });
    expect(queued).toEqual({ name: 'generating', startedAt: 1, queued: 2 });
    const started = run(queued, { type: 'progress', progress: { elapsedMs: 0 } });
    expect(started).toEqual({ name: 'generating', startedAt: 1, progress: { elapsedMs: 0 } });
    // A late place in line changes nothing once it started.
    expect(run(started, { type: 'queued', position: 1 })).toBe(started);
  });

  it('cancelling goes back to loading a fresh captcha', () => {
    expect(run({ name: 'generating', startedAt: 1 }, { type: 'cancelled' })).toEqual({ name: 'loading-captcha' });
  });

  it('when the wait is over: ready with the challenge it has, else loading one', () => {
    expect(run({ name: 'error', problem: limited, challenge, loading: false }, { type: 'wait-over' })).toEqual({ name: 'ready', challenge });
    expect(run({ name: 'error', problem: limited, loading: false }, { type: 'wait-over' })).toEqual({ name: 'loading-captcha' });
  });

  it('restarts from anywhere (a new api address)', () => {
    expect(run({ name: 'done', picture, challenge }, { type: 'restart' })).toEqual({ name: 'idle' });
  });

  it('ignores late or out-of-place events', () => {
    const generating: State = { name: 'generating', startedAt: 1 };
    for (const action of [{ type: 'captcha-requested' }, { type: 'captcha-loaded', challenge }, { type: 'captcha-failed', problem: captchaDown }, { type: 'wait-over' }] as Action[]) {
      expect(run(generating, action)).toBe(generating);
    }
    const ready: State = { name: 'ready', challenge };
    for (const action of [{ type: 'progress', progress: { elapsedMs: 1 } }, { type: 'generated', picture }, { type: 'generate-failed', problem: wrong }, { type: 'cancelled' }, { type: 'captcha-loaded', challenge: next }] as Action[]) {
      expect(run(ready, action)).toBe(ready);
    }
    expect(run(initialState, { type: 'generate-started', at: 1 })).toBe(initialState);
  });
});

describe('problems from SDK errors', () => {
  const body = (code: ErrorCode, statusCode: number, extra: Partial<ErrorBody> = {}): ErrorBody => ({ statusCode, error: 'x', message: `the API says ${code}`, code, ...extra });
  const none = new Headers();

  it.each([
    [new CaptchaError('wrong', 403, body('captcha_wrong', 403), none), 'captcha-wrong', 'captcha_wrong', 'answer'],
    [new CaptchaError('expired', 403, body('captcha_expired', 403), none), 'captcha-expired', 'captcha_expired', 'answer'],
    [new CaptchaError('missing', 400, body('captcha_missing', 400), none), 'captcha-expired', 'captcha_missing', 'answer'],
    [new ProofOfWorkError('invalid', 403, body('pow_invalid', 403), none), 'pow', 'pow_invalid', 'answer'],
    [new ProofOfWorkError('missing', 400, body('pow_missing', 400), none), 'pow', 'pow_missing', 'answer'],
    [new PromptRejectedError(422, body('prompt_rejected', 422), none), 'rejected', 'prompt_rejected', 'prompt'],
    [new ProviderError(502, body('provider_error', 502), none), 'provider', 'provider_error', 'generate'],
    [new ProviderError(504, body('provider_timeout', 504), none), 'timeout', 'provider_timeout', 'generate'],
    [new ProviderError(503, body('provider_busy', 503), none), 'busy', 'provider_busy', 'generate'],
    [new OverloadedError(503, body('overloaded', 503), none), 'busy', 'overloaded', 'generate'],
    [new RateLimitError(429, body('rate_limited', 429), none), 'rate-limited', 'rate_limited', 'generate'],
    [new RateLimitError(429, body('concurrent_limit', 429), none), 'concurrent', 'concurrent_limit', 'generate'],
    [new CapacityError(503, body('capacity_reached', 503, { window: 'hour' }), none), 'capacity-hour', 'capacity_reached', 'generate'],
    [new CapacityError(503, body('capacity_reached', 503, { window: 'day' }), none), 'capacity-day', 'capacity_reached', 'generate'],
    [new ConnectionError('down'), 'network', 'connection_error', 'generate'],
    [new TimeoutError(1000), 'timeout', 'timeout', 'generate'],
    [new APIError(500, undefined, none), 'unknown', 'http_500', 'generate'],
    [new Error('odd'), 'unknown', 'unknown_error', 'generate'],
  ] as const)('%s → %s', (error, kind, code, focus) => {
    const problem = problemOf(error, 'generate');
    expect([problem.kind, problem.code, problem.stage]).toEqual([kind, code, 'generate']);
    expect(focusTarget(problem)).toBe(focus);
  });

  it('turns a wait the API asked for into a time, from the body or the Retry-After header', () => {
    expect(problemOf(new RateLimitError(429, body('rate_limited', 429, { retryAfter: 42 }), none), 'generate', 1000).retryAt).toBe(43_000);
    expect(problemOf(new OverloadedError(503, undefined, new Headers({ 'retry-after': '5' })), 'generate', 0).retryAt).toBe(5000);
    expect(problemOf(new CapacityError(503, body('capacity_reached', 503, { retryAfter: 600, window: 'hour' }), none), 'generate', 0).retryAt).toBe(600_000);
    expect(problemOf(new ProviderError(502, body('provider_error', 502), none), 'generate').retryAt).toBeUndefined();
  });

  it("shows the API's own words for a request it refused, and audio problems as audio problems", () => {
    expect(problemOf(new ValidationError(400, body('invalid_request', 400), none), 'generate')).toEqual({ kind: 'invalid', stage: 'generate', code: 'invalid_request', detail: 'the API says invalid_request' });
    expect(problemOf(new CaptchaError('missing', 400, body('captcha_missing', 400), none), 'audio')).toMatchObject({ kind: 'audio', code: 'captcha_missing' });
    expect(problemOf(new CaptchaError('audio_limit', 429, body('captcha_audio_limit', 429), none), 'audio')).toMatchObject({ kind: 'audio', code: 'captcha_audio_limit' });
  });
});
