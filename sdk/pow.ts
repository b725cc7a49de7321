import { AbortError, ImagekaError, throwIfAborted } from './errors.js';
import { MESSAGES } from './messages.js';
import { pbkdf2Sha256 } from './pbkdf2.js';
import { POW_ALGORITHM, type PowChallenge, type PowSolution } from './types.js';

export interface SolvePowOptions {
  /** Stops the search; `solvePow` then rejects with `AbortError`. */
  signal?: AbortSignal;
  /**
   * Attempts run side by side (Web Crypto works off the main thread, so several cores can
   * share the search; more lanes than cores only queue). Without Web Crypto the search runs
   * one attempt at a time.
   * @default 4
   */
  concurrency?: number;
}

type Derive = (number: number) => Promise<Uint8Array>;

/**
 * Solves a captcha's proof of work: tries the numbers 0…maxNumber until one derives the
 * challenge's key. Uses Web Crypto's native PBKDF2 (browsers on https or localhost, Node 20),
 * else a plain-JavaScript PBKDF2 that yields between chunks (several times slower). Never
 * blocks the thread it runs on for long: the page stays responsive while it works.
 */
export async function solvePow(challenge: PowChallenge, options: SolvePowOptions = {}): Promise<PowSolution> {
  if (challenge?.algorithm !== POW_ALGORITHM) throw new ImagekaError(MESSAGES.powAlgorithm(String(challenge?.algorithm)));
  const { signal } = options;
  const target = fromBase64url(challenge.key);
  const subtle = globalThis.crypto?.subtle;
  const derive = subtle ? await nativeDerive(subtle, challenge) : scriptDerive(challenge);
  const lanes = subtle ? Math.max(1, options.concurrency ?? 4) : 1;
  let next = 0;
  let found: number | undefined;
  const search = async () => {
    while (found === undefined && next <= challenge.maxNumber) {
      throwIfAborted(signal);
      const number = next++;
      if (sameBytes(await derive(number), target)) found = number;
    }
  };
  await Promise.all(Array.from({ length: lanes }, search));
  throwIfAborted(signal);
  if (found === undefined) throw new ImagekaError(MESSAGES.powUnsolved());
  return { ...challenge, number: found };
}

/**
 * The solution for the latest captcha of one client: started as the captcha arrives, so it is
 * usually ready before the visitor has typed the answer; a newer captcha abandons the old work.
 */
export class PendingProof {
  #work: Promise<PowSolution> | undefined;
  #controller: AbortController | undefined;

  start(challenge: PowChallenge): void {
    this.abort();
    const controller = (this.#controller = new AbortController());
    const work = (this.#work = solvePow(challenge, { signal: controller.signal }));
    // Whoever takes the solution sees a failure; an abandoned solve is nobody's error.
    work.catch(() => {});
  }

  /** Waits for the solution (once: it is spent by the request that carries it), if a solve was started. */
  async take(signal?: AbortSignal): Promise<PowSolution | undefined> {
    const work = this.#work;
    if (work === undefined) return undefined;
    const solution = await untilAborted(work, signal);
    if (this.#work === work) this.#work = undefined;
    return solution;
  }

  abort(): void {
    this.#controller?.abort();
    this.#work = this.#controller = undefined;
  }
}

async function nativeDerive(subtle: SubtleCrypto, challenge: PowChallenge): Promise<Derive> {
  const key = await subtle.importKey('raw', utf8(challenge.salt), 'PBKDF2', false, ['deriveBits']);
  return async (number) => {
    const salt = utf8(String(number));
    return new Uint8Array(await subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations: challenge.iterations }, key, 256));
  };
}

function scriptDerive(challenge: PowChallenge): Derive {
  const password = utf8(challenge.salt);
  return (number) => pbkdf2Sha256(password, utf8(String(number)), challenge.iterations);
}

/** `work`, or AbortError as soon as `signal` aborts (the work itself goes on for a later take). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const stop = () => reject(new AbortError({ cause: signal?.reason }));
    if (signal?.aborted) stop();
    signal?.addEventListener('abort', stop, { once: true });
    work.then(resolve, reject).finally(() => signal?.removeEventListener('abort', stop));
  });
}

const utf8 = (text: string) => new TextEncoder().encode(text);

function fromBase64url(text: string): Uint8Array {
  const binary = atob(String(text).replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}
