import type { Redis } from 'ioredis';
import type { CaptchaRecord, CaptchaStore } from '../captcha/store.js';
import { orUnavailable } from './unavailable.js';

/**
 * Captcha answers shared by every instance. `take` is one GETDEL (Redis ≥ 6.2): of several
 * requests racing on any instances with the same session, exactly one gets the answer.
 */
export class RedisCaptchaStore implements CaptchaStore {
  readonly #client: Redis;
  readonly #prefix: string;

  constructor(client: Redis, partition: string) {
    this.#client = client;
    this.#prefix = `${partition}:captcha:`;
  }

  async put(sessionId: string, record: CaptchaRecord, ttlMs: number): Promise<void> {
    const value = JSON.stringify({ answer: record.answer, expiresAt: record.expiresAt });
    await orUnavailable(() => this.#client.set(this.#prefix + sessionId, value, 'PX', Math.max(1, Math.ceil(ttlMs))));
  }

  async take(sessionId: string): Promise<CaptchaRecord | null> {
    return parse(await orUnavailable(() => this.#client.getdel(this.#prefix + sessionId)));
  }

  async peek(sessionId: string): Promise<CaptchaRecord | null> {
    return parse(await orUnavailable(() => this.#client.get(this.#prefix + sessionId)));
  }
}

/** Anything unexpected reads as "no captcha pending": the client loads a new one. */
function parse(value: string | null): CaptchaRecord | null {
  if (value === null) return null;
  try {
    const record = JSON.parse(value) as Partial<CaptchaRecord>;
    if (typeof record.answer === 'string' && typeof record.expiresAt === 'number') {
      return { answer: record.answer, expiresAt: record.expiresAt };
    }
  } catch {
    // fall through
  }
  return null;
}
