import type { Redis } from 'ioredis';
import type { WindowCounter } from '../limits/window-counter.js';
import { orUnavailable } from './unavailable.js';

/**
 * Counts and arms the window's expiry in one script, so no instance can lose another's hit and
 * no key outlives its window. Returns the count and the milliseconds left in the window.
 */
const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
`;

interface WithHit {
  imagekaWindowHit(key: string, windowMs: number): Promise<[number, number]>;
}

/** Fixed-window counter shared by every instance: the limit holds exactly across all of them. */
export class RedisWindowCounter implements WindowCounter {
  readonly #client: Redis & WithHit;
  readonly #prefix: string;
  readonly #windowMs: number;

  /** `name` keeps counters for different limits apart. */
  constructor(client: Redis, partition: string, windowMs: number, name = 'generate') {
    if (!('imagekaWindowHit' in client)) client.defineCommand('imagekaWindowHit', { numberOfKeys: 1, lua: HIT_SCRIPT });
    this.#client = client as Redis & WithHit;
    this.#prefix = `${partition}:${name}:`;
    this.#windowMs = windowMs;
  }

  async peek(key: string): Promise<{ count: number; resetAt: number }> {
    const name = this.#prefix + key;
    const replies = await orUnavailable(async () => (await this.#client.multi().get(name).pttl(name).exec()) ?? []);
    const count = Number(replies[0]?.[1] ?? 0);
    const ttl = Number(replies[1]?.[1] ?? -1);
    return { count, resetAt: Date.now() + (count > 0 && ttl > 0 ? ttl : this.#windowMs) };
  }

  async hit(key: string): Promise<{ count: number; resetAt: number }> {
    const [count, ttl] = await orUnavailable(() => this.#client.imagekaWindowHit(this.#prefix + key, this.#windowMs));
    return { count, resetAt: Date.now() + ttl };
  }
}
