import type { Redis } from 'ioredis';
import { RECENT_MINUTES, recentMinutes, type RecentGenerations, type SpentProofs } from '../pow/ledger.js';
import { orUnavailable } from './unavailable.js';

/** Spent challenges shared by every instance: one `SET NX`, so exactly one spend wins. */
export class RedisSpentProofs implements SpentProofs {
  readonly #client: Redis;
  readonly #prefix: string;

  constructor(client: Redis, partition: string) {
    this.#client = client;
    this.#prefix = `${partition}:pow-spent:`;
  }

  async spend(id: string, until: number): Promise<boolean> {
    const ttl = Math.max(1, Math.ceil(until - Date.now()));
    return (await orUnavailable(() => this.#client.set(this.#prefix + id, '1', 'PX', ttl, 'NX'))) === 'OK';
  }
}

/** The deployment's recent generations: one counter per minute, shared by every instance. */
export class RedisRecentGenerations implements RecentGenerations {
  readonly #client: Redis;
  readonly #prefix: string;
  readonly #now: () => number;

  constructor(client: Redis, partition: string, now: () => number = Date.now) {
    this.#client = client;
    this.#prefix = `${partition}:pow-rate:`;
    this.#now = now;
  }

  async add(): Promise<void> {
    const key = this.#prefix + recentMinutes(this.#now())[0];
    // Kept one minute past the window, so a reader never meets a bucket that is half gone.
    await orUnavailable(() => this.#client.multi().incr(key).pexpire(key, (RECENT_MINUTES + 1) * 60_000).exec());
  }

  async perHour(): Promise<number> {
    const keys = recentMinutes(this.#now()).map((minute) => this.#prefix + minute);
    const counts = await orUnavailable(() => this.#client.mget(keys));
    const count = counts.reduce((sum, value) => sum + (Number(value) || 0), 0);
    return (count * 60) / RECENT_MINUTES;
  }
}
