/**
 * Fixed-window counters for limits that must hold exactly (hapi-rate-limit's get-then-set can
 * lose updates under concurrency). `hit` counts one request and returns the count so far.
 */
export interface WindowCounter {
  hit(key: string): Promise<{ count: number; resetAt: number }>;
  /** The count so far without adding to it (0, and a window starting now, for an unseen key). */
  peek(key: string): Promise<{ count: number; resetAt: number }>;
}

/** In-process counter: a record lives for one window and is swept after it. */
export class MemoryWindowCounter implements WindowCounter {
  // One window length for all keys, so Map insertion order is expiry order.
  readonly #windows = new Map<string, { count: number; resetAt: number }>();
  readonly #windowMs: number;
  readonly #now: () => number;

  constructor(windowMs: number, now: () => number = Date.now) {
    this.#windowMs = windowMs;
    this.#now = now;
  }

  /** Records currently held (swept first): for tests of the retention promise. */
  get size(): number {
    this.#sweep(this.#now());
    return this.#windows.size;
  }

  async hit(key: string): Promise<{ count: number; resetAt: number }> {
    const now = this.#now();
    this.#sweep(now);
    const window = this.#windows.get(key) ?? { count: 0, resetAt: now + this.#windowMs };
    window.count += 1;
    this.#windows.set(key, window);
    return { count: window.count, resetAt: window.resetAt };
  }

  async peek(key: string): Promise<{ count: number; resetAt: number }> {
    const now = this.#now();
    this.#sweep(now);
    const window = this.#windows.get(key);
    return window ? { ...window } : { count: 0, resetAt: now + this.#windowMs };
  }

  #sweep(now: number): void {
    for (const [key, window] of this.#windows) {
      if (window.resetAt > now) break;
      this.#windows.delete(key);
    }
  }
}
