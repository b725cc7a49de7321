/** One window of the operator's generation budget, e.g. the UTC hour 2026-01-01T13. */
export interface BudgetWindow {
  name: 'hour' | 'day';
  /** Names this window and no other (the counter's key). */
  key: string;
  /** Most generations the deployment starts in it. */
  limit: number;
  /** Epoch ms at which it ends and the next one begins. */
  endsAt: number;
}

/**
 * Counts generations against several windows at once. `take` must be atomic: of any number of
 * concurrent calls, on any instances sharing the counter, no more than `limit` succeed per window.
 */
export interface BudgetCounter {
  /** Counts one in every window, unless one is full: then counts none and returns that window. */
  take(windows: readonly BudgetWindow[]): Promise<BudgetWindow | null>;
  /** Gives back one that `take` counted, for a generation that never started. */
  giveBack(windows: readonly BudgetWindow[]): Promise<void>;
  /** How many each window has counted so far. */
  used(windows: readonly BudgetWindow[]): Promise<number[]>;
}

/** In-process counter: exact for one process; a record is dropped once its window has ended. */
export class MemoryBudgetCounter implements BudgetCounter {
  readonly #counts = new Map<string, { count: number; endsAt: number }>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  async take(windows: readonly BudgetWindow[]): Promise<BudgetWindow | null> {
    this.#sweep();
    const full = windows.find((window) => (this.#counts.get(window.key)?.count ?? 0) >= window.limit);
    if (full) return full;
    for (const window of windows) {
      const record = this.#counts.get(window.key) ?? { count: 0, endsAt: window.endsAt };
      record.count += 1;
      this.#counts.set(window.key, record);
    }
    return null;
  }

  async giveBack(windows: readonly BudgetWindow[]): Promise<void> {
    for (const window of windows) {
      const record = this.#counts.get(window.key);
      if (record && record.count > 0) record.count -= 1;
    }
  }

  async used(windows: readonly BudgetWindow[]): Promise<number[]> {
    this.#sweep();
    return windows.map((window) => this.#counts.get(window.key)?.count ?? 0);
  }

  #sweep(): void {
    const now = this.#now();
    for (const [key, record] of this.#counts) if (record.endsAt <= now) this.#counts.delete(key);
  }
}
