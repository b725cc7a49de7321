import { createHmac, pbkdf2, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { POW_ALGORITHM, type PowChallenge, type PowSolution } from '../../sdk/types.js';

const derive = promisify(pbkdf2);
const KEY_BYTES = 32;

/** What a challenge is bound to: the session and the one captcha pending in it. */
export interface PowBinding {
  sessionId: string;
  /** The captcha's answer and expiry identify it; the signature hides both. */
  answer: string;
  captchaExpiresAt: number;
}

export interface PowParameters {
  iterations: number;
  maxNumber: number;
}

/**
 * One PBKDF2-SHA-256 derivation, the unit of work on both sides. Node runs it on its thread
 * pool, so neither issuing nor verifying blocks the event loop.
 */
export async function deriveKey(salt: string, number: number, iterations: number): Promise<Buffer> {
  return derive(salt, String(number), iterations, KEY_BYTES, 'sha256');
}

/**
 * A new challenge: the server picks the secret number and derives its key (one derivation),
 * the client has to search for it. The number is never stored: the key and the signature are
 * enough to check an answer later.
 */
export async function issueChallenge(secret: Buffer, binding: PowBinding, parameters: PowParameters): Promise<PowChallenge> {
  const salt = randomBytes(16).toString('base64url');
  const key = await deriveKey(salt, randomInt(parameters.maxNumber + 1), parameters.iterations);
  const unsigned = {
    algorithm: POW_ALGORITHM,
    salt,
    iterations: parameters.iterations,
    maxNumber: parameters.maxNumber,
    key: key.toString('base64url'),
    expiresAt: new Date(binding.captchaExpiresAt).toISOString(),
  } as const;
  return { ...unsigned, signature: sign(secret, binding, unsigned) };
}

export type PowVerdict = 'ok' | 'forged' | 'expired' | 'wrong';

/**
 * Checks a solution against the session and captcha it claims, cheapest test first, so a forged
 * one never costs a derivation. Single use is the caller's (it needs the shared store).
 */
export function checkSignature(secret: Buffer, binding: PowBinding, solution: PowSolution, now: number): PowVerdict {
  const { number: _number, signature, ...unsigned } = solution;
  if (!sameText(sign(secret, binding, unsigned), signature)) return 'forged';
  return Date.parse(solution.expiresAt) <= now ? 'expired' : 'ok';
}

/** One derivation: does `number` give the challenge's key? */
export async function checkWork(solution: PowSolution): Promise<boolean> {
  if (solution.number > solution.maxNumber) return false;
  const key = await deriveKey(solution.salt, solution.number, solution.iterations);
  return sameText(key.toString('base64url'), solution.key);
}

/** The HMAC key for challenges, kept apart from the one that seals cookies. */
export function powSecret(sessionSecret: string): Buffer {
  return createHmac('sha256', sessionSecret).update('imageka proof of work v1').digest();
}

function sign(secret: Buffer, binding: PowBinding, challenge: Omit<PowChallenge, 'signature'>): string {
  const fields = [
    binding.sessionId,
    binding.answer,
    binding.captchaExpiresAt,
    challenge.algorithm,
    challenge.salt,
    challenge.iterations,
    challenge.maxNumber,
    challenge.key,
    challenge.expiresAt,
  ];
  return createHmac('sha256', secret).update(JSON.stringify(fields)).digest('base64url');
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
