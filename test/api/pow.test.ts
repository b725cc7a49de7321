import type { Server } from '@hapi/hapi';
import { describe, expect, it } from 'vitest';
import { deriveKey } from '../../api/pow/challenge.js';
import { MAX_ITERATIONS_PER_ATTEMPT } from '../../api/pow/difficulty.js';
import { solvePow } from '../../sdk/pow.js';
import type { CaptchaResponse, PowSolution } from '../../sdk/types.js';
import { fixedCaptcha, generate, issueCaptcha, manualClock, scriptedProvider, solved, testServer } from '../helpers/server.js';

const ANSWER = 'ACDEH';
const challengeOf = (response: { result: unknown }) => (response.result as CaptchaResponse).pow;
const codeOf = (response: { result: unknown }) => (response.result as { code?: string }).code;

/** After a refusal that must not spend the captcha: the same session can still use it. */
async function stillPending(server: Server, cookie: string, pow: PowSolution) {
  const response = await generate(server, cookie, { prompt: 'a fox', captcha: ANSWER, pow });
  expect(response.statusCode).toBe(200);
}

describe('the proof of work of a captcha', () => {
  it('comes with every captcha: PBKDF2-SHA-256, expiring with it, at the configured cost at rest', async () => {
    const clock = manualClock();
    const server = await testServer({ now: clock, powMinCost: 40_000, powMaxCost: 400_000 });
    const { response } = await issueCaptcha(server);
    const pow = challengeOf(response);
    expect(pow).toEqual({
      algorithm: 'PBKDF2-SHA-256',
      salt: expect.stringMatching(/^[\w-]{22}$/),
      iterations: MAX_ITERATIONS_PER_ATTEMPT,
      // 8 attempts of 5000 iterations on average: numbers 0…14.
      maxNumber: 14,
      key: expect.stringMatching(/^[\w-]{43}$/),
      expiresAt: (response.result as CaptchaResponse).expiresAt,
      signature: expect.stringMatching(/^[\w-]{43}$/),
    });
    // Solvable: exactly one number in range derives the key.
    const keys = await Promise.all(Array.from({ length: pow.maxNumber + 1 }, (_, n) => deriveKey(pow.salt, n, pow.iterations)));
    expect(keys.filter((key) => key.toString('base64url') === pow.key)).toHaveLength(1);
  });

  it('missing: 400 pow_missing, and the captcha stays pending', async () => {
    const server = await testServer();
    const { response, cookie } = await issueCaptcha(server);
    const refused = await generate(server, cookie, { prompt: 'a fox', captcha: ANSWER, pow: undefined });
    expect(refused.statusCode).toBe(400);
    expect(codeOf(refused)).toBe('pow_missing');
    await stillPending(server, cookie, await solved(response));
  });

  it('malformed: 400 invalid_request naming the field, never pow_missing', async () => {
    const server = await testServer();
    const { response, cookie } = await issueCaptcha(server);
    const { signature: _dropped, ...unsigned } = await solved(response);
    for (const pow of ['abc', 7, { ...unsigned }, { ...(await solved(response)), extra: 1 }]) {
      const refused = await generate(server, cookie, { prompt: 'a fox', captcha: ANSWER, pow });
      expect(refused.statusCode).toBe(400);
      expect(refused.result).toMatchObject({ code: 'invalid_request', message: expect.stringContaining('"pow"') });
    }
    await stillPending(server, cookie, await solved(response));
  });

  it('forged (any signed field changed, or an unsigned challenge): 403 pow_invalid, captcha still pending', async () => {
    const server = await testServer({ powMinCost: 1000, powMaxCost: 1000 });
    const { response, cookie } = await issueCaptcha(server);
    const honest = await solved(response);
    const easier = [
      { ...honest, iterations: 1 },
      { ...honest, maxNumber: honest.maxNumber + 1 },
      { ...honest, expiresAt: new Date(Date.parse(honest.expiresAt) + 3_600_000).toISOString() },
      { ...honest, signature: honest.signature.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) },
    ];
    // A challenge made up by the client, solved for real, with a signature it cannot make.
    const salt = 'AAAAAAAAAAAAAAAAAAAAAA';
    const key = (await deriveKey(salt, 0, 1000)).toString('base64url');
    const made = await solvePow({ ...honest, salt, key, maxNumber: 0 });
    for (const pow of [...easier, made]) {
      const refused = await generate(server, cookie, { prompt: 'a fox', captcha: ANSWER, pow });
      expect(refused.statusCode).toBe(403);
      expect(refused.result).toMatchObject({ code: 'pow_invalid', message: expect.stringContaining('does not belong') });
    }
    await stillPending(server, cookie, honest);
  });

  it('unsolved (a wrong number): 403 pow_invalid, and that proof is spent', async () => {
    const server = await testServer({ powMinCost: 1000, powMaxCost: 10_000 });
    const { response, cookie } = await issueCaptcha(server);
    const right = await solved(response);
    const wrong = { ...right, number: right.number === 0 ? 1 : 0 };
    const refused = await generate(server, cookie, { prompt: 'a fox', captcha: ANSWER, pow: wrong });
    expect(refused.result).toMatchObject({ code: 'pow_invalid', message: expect.stringContaining('not solved') });
    const after = await generate(server, cookie, { prompt: 'a fox', captcha: ANSWER, pow: right });
    expect(after.result).toMatchObject({ code: 'pow_invalid', message: expect.stringContaining('already used') });
  });

  it("from another session: 403 pow_invalid, the other session's captcha untouched", async () => {
    const server = await testServer();
    const mine = await issueCaptcha(server);
    const theirs = await issueCaptcha(server);
    const refused = await generate(server, mine.cookie, { prompt: 'a fox', captcha: ANSWER, pow: await solved(theirs.response) });
    expect(refused.statusCode).toBe(403);
    expect(codeOf(refused)).toBe('pow_invalid');
    await stillPending(server, mine.cookie, await solved(mine.response));
  });

  it('from an earlier captcha of the same visitor (each captcha renews the session): 403 pow_invalid', async () => {
    let text = ANSWER;
    const server = await testServer({ captcha: () => fixedCaptcha(text)() });
    const first = await issueCaptcha(server);
    text = 'JMNPR';
    const second = await issueCaptcha(server, { cookie: first.cookie });
    const refused = await generate(server, second.cookie, { prompt: 'a fox', captcha: 'JMNPR', pow: await solved(first.response) });
    expect(codeOf(refused)).toBe('pow_invalid');
    const accepted = await generate(server, second.cookie, { prompt: 'a fox', captcha: 'JMNPR', pow: await solved(second.response) });
    expect(accepted.statusCode).toBe(200);
  });

  it('expired with its captcha: 403 pow_invalid; accepted a moment before', async () => {
    const clock = manualClock();
    const server = await testServer({ now: clock, captchaTtlMs: 60_000 });
    const early = await issueCaptcha(server);
    clock.advance(59_999);
    await stillPending(server, early.cookie, await solved(early.response));
    const late = await issueCaptcha(server);
    clock.advance(60_000);
    const refused = await generate(server, late.cookie, { prompt: 'a fox', captcha: ANSWER, pow: await solved(late.response) });
    expect(refused.result).toMatchObject({ code: 'pow_invalid', message: expect.stringContaining('expired') });
  });

  it('already used: sent 10 times in parallel it counts once, and it is no good for a later captcha', async () => {
    const provider = scriptedProvider(async () => ({ bytes: await tinyPng(), mimeType: 'image/png', seed: 1 }));
    const server = await testServer({ provider });
    const { response, cookie } = await issueCaptcha(server);
    const pow = await solved(response);
    const attempts = await Promise.all(Array.from({ length: 10 }, () => generate(server, cookie, { prompt: 'a fox', captcha: ANSWER, pow })));
    expect(attempts.filter((r) => r.statusCode === 200)).toHaveLength(1);
    expect(provider.calls).toHaveLength(1);
    // The spent proof is no good with a new captcha of the same session either.
    const later = await issueCaptcha(server, { cookie });
    expect(codeOf(await generate(server, later.cookie, { prompt: 'a fox', captcha: ANSWER, pow }))).toBe('pow_invalid');
  });

  it('is the same for the spoken captcha: listening changes nothing, the proof still counts', async () => {
    const server = await testServer({ captchaAudio: async () => Buffer.from('RIFF') });
    const { response, cookie } = await issueCaptcha(server);
    const audio = await server.inject({ url: '/api/v1/captcha/audio', headers: { cookie } });
    expect(audio.statusCode).toBe(200);
    await stillPending(server, cookie, await solved(response));
  });
});

describe('difficulty that follows load', () => {
  const range = { powMinCost: 5_000, powMaxCost: 80_000 };
  const attemptsOf = (response: { result: unknown }) => (challengeOf(response).maxNumber + 2) / 2;

  it("rises as this instance's generation queue fills, for everyone, and falls back when it drains", async () => {
    const releases: Array<() => void> = [];
    const provider = scriptedProvider(async () => {
      await new Promise<void>((release) => releases.push(release));
      return { bytes: await tinyPng(), mimeType: 'image/png', seed: 1 };
    });
    // Capacity 4 (2 running + 2 queued): one busy quarter doubles the work, a full queue pays 16×.
    // One client fills the queue here: room for all four of its requests (MAX_IN_FLIGHT_PER_CLIENT).
    const server = await testServer({ ...range, provider, maxInFlight: 2, maxQueued: 2, maxInFlightPerClient: 4 });
    expect(attemptsOf((await issueCaptcha(server)).response)).toBe(1);
    const running: Promise<unknown>[] = [];
    const seen: number[] = [];
    for (let busy = 1; busy <= 4; busy += 1) {
      const { cookie } = await issueCaptcha(server);
      running.push(generate(server, cookie, { prompt: 'a fox', captcha: ANSWER }));
      await until(() => server.plugins['imageka-generate'].queue().busy === busy);
      seen.push(attemptsOf((await issueCaptcha(server)).response));
    }
    expect(seen).toEqual([2, 4, 8, 16]);
    // Someone else's captcha, issued now, pays the same.
    const visitor = await issueCaptcha(server, { 'x-forwarded-for': '203.0.113.9' });
    expect(attemptsOf(visitor.response)).toBe(16);
    let drained = false;
    void Promise.all(running).then(() => (drained = true));
    while (!drained) {
      releases.splice(0).forEach((release) => release());
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(attemptsOf((await issueCaptcha(server)).response)).toBe(1);
  });

  it('rises with the recent generation rate against the full rate, over a 10-minute window', async () => {
    const clock = manualClock();
    // Full load at 60 generations an hour = 10 in the last 10 minutes.
    const server = await testServer({ ...range, now: clock, powFullRatePerHour: 60 });
    const difficulty = () => server.plugins['imageka-pow'].difficulty();
    expect(await difficulty()).toMatchObject({ load: 0, cost: 5_000 });
    for (let i = 0; i < 5; i += 1) {
      const { cookie } = await issueCaptcha(server);
      expect((await generate(server, cookie, { prompt: 'a fox', captcha: ANSWER })).statusCode).toBe(200);
    }
    expect(await difficulty()).toMatchObject({ load: 0.5, cost: 20_000 });
    // A refused attempt does not count as a generation.
    const { cookie } = await issueCaptcha(server);
    await generate(server, cookie, { prompt: 'a fox', captcha: 'WRONG' });
    expect((await difficulty()).load).toBe(0.5);
    clock.advance(10 * 60_000);
    expect(await difficulty()).toMatchObject({ load: 0, cost: 5_000 });
  });
});

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

async function tinyPng(): Promise<Buffer> {
  const { default: sharp } = await import('sharp');
  return sharp({ create: { width: 8, height: 8, channels: 3, background: '#808080' } }).png().toBuffer();
}
