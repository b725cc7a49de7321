/**
 * Where captcha answers live: server-side only, keyed by session id. `take` reads and deletes in
 * one step, so of several parallel requests carrying the same session only one can ever see the
 * answer (yar alone loads the session before each handler and cannot guarantee that).
 */
export interface CaptchaRecord {
  /** Lower-cased answer. */
  answer: string;
  /** Epoch ms after which the answer is refused as expired. */
  expiresAt: number;
}

export interface CaptchaStore {
  /** Stores (replacing any earlier) the record; it is forgotten after `ttlMs` at the latest. */
  put(sessionId: string, record: CaptchaRecord, ttlMs: number): Promise<void>;
  /** Atomically returns and deletes the record. */
  take(sessionId: string): Promise<CaptchaRecord | null>;
  /** Reads without consuming (for the spoken version of the same captcha). */
  peek(sessionId: string): Promise<CaptchaRecord | null>;
}

/** In-process store; every operation is synchronous inside, so check-and-delete is atomic. */
export class MemoryCaptchaStore implements CaptchaStore {
  // Insertion order is forget order (one TTL for all), so sweeping from the front is cheap.
  // Each entry is packed as "forgetAt expiresAt answer": one short string costs about half of an
  // object holding a string and two heap numbers, and a server may hold 100,000s of them.
  readonly #entries = new Map<string, string>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  get size(): number {
    this.#sweep();
    return this.#entries.size;
  }

  async put(sessionId: string, record: CaptchaRecord, ttlMs: number): Promise<void> {
    this.#sweep();
    this.#entries.delete(sessionId);
    this.#entries.set(sessionId, `${this.#now() + ttlMs} ${record.expiresAt} ${record.answer}`);
  }

  async take(sessionId: string): Promise<CaptchaRecord | null> {
    const record = this.#read(sessionId);
    this.#entries.delete(sessionId);
    return record;
  }

  async peek(sessionId: string): Promise<CaptchaRecord | null> {
    return this.#read(sessionId);
  }

  #read(sessionId: string): CaptchaRecord | null {
    this.#sweep();
    const entry = this.#entries.get(sessionId);
    if (entry === undefined) return null;
    const [, expiresAt, answer] = entry.split(' ');
    return { answer: answer!, expiresAt: Number(expiresAt) };
  }

  #sweep(): void {
    const now = this.#now();
    for (const [id, entry] of this.#entries) {
      if (Number(entry.slice(0, entry.indexOf(' '))) > now) break;
      this.#entries.delete(id);
    }
  }
}
