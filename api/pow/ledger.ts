/**
 * Which proof-of-work challenges were already used. `spend` records one and says whether it was
 * new, in one atomic step, so a solution replayed in parallel (on any instance, with Redis)
 * is accepted once.
 */
export interface SpentProofs {
  /** True the first time `id` is spent; remembered until `until` (epoch ms), when it expires anyway. */
  spend(id: string, until: number): Promise<boolean>;
}

/** In-process ledger; spending is synchronous inside, so it is atomic. */
export class MemorySpentProofs implements SpentProofs {
  readonly #until = new Map<string, number>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  get size(): number {
    this.#sweep();
    return this.#until.size;
  }

  async spend(id: string, until: number): Promise<boolean> {
    this.#sweep();
    if (this.#until.has(id)) return false;
    this.#until.set(id, until);
    return true;
  }

  // Challenges share one lifetime, so insertion order is close to expiry order: sweeping from
  // the front stops at the first live entry and keeps the cost per call small.
  #sweep(): void {
    const now = this.#now();
    for (const [id, until] of this.#until) {
      if (until > now) break;
      this.#until.delete(id);
    }
  }
}

/** Generations started recently, counted in one-minute buckets. */
export interface RecentGenerations {
  add(): Promise<void>;
  /** Starts over the last `RECENT_MINUTES` minutes (the current one included), as a rate per hour. */
  perHour(): Promise<number>;
}

export const RECENT_MINUTES = 10;
const MINUTE_MS = 60_000;

/** The bucket numbers of the recent window, newest first. */
export function recentMinutes(now: number): number[] {
  const current = Math.floor(now / MINUTE_MS);
  return Array.from({ length: RECENT_MINUTES }, (_, back) => current - back);
}

/** One process's count (the deployment's rate when there is one instance). */
export class MemoryRecentGenerations implements RecentGenerations {
  readonly #buckets = new Map<number, number>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  async add(): Promise<void> {
    const [minute] = recentMinutes(this.#now());
    this.#buckets.set(minute!, (this.#buckets.get(minute!) ?? 0) + 1);
  }

  async perHour(): Promise<number> {
    const minutes = recentMinutes(this.#now());
    for (const minute of this.#buckets.keys()) if (!minutes.includes(minute)) this.#buckets.delete(minute);
    const count = minutes.reduce((sum, minute) => sum + (this.#buckets.get(minute) ?? 0), 0);
    return (count * 60) / RECENT_MINUTES;
  }
}
