import type { Redis } from 'ioredis';
import type { BudgetCounter, BudgetWindow } from '../limits/budget-counter.js';
import { orUnavailable } from './unavailable.js';

/**
 * Checks every window, then counts in all of them or in none, in one script: no instance can slip
 * a generation between another's check and its count. ARGV holds each window's limit and the
 * epoch ms its record expires at. Returns 0 when counted, else the 1-based index of a full window.
 */
const TAKE_SCRIPT = `
for i = 1, #KEYS do
  if tonumber(redis.call('GET', KEYS[i]) or '0') >= tonumber(ARGV[2 * i - 1]) then return i end
end
for i = 1, #KEYS do
  redis.call('INCR', KEYS[i])
  redis.call('PEXPIREAT', KEYS[i], ARGV[2 * i])
end
return 0
`;

/** Never below zero, and never recreates a record that has expired with its window. */
const GIVE_BACK_SCRIPT = `
for i = 1, #KEYS do
  if tonumber(redis.call('GET', KEYS[i]) or '0') > 0 then redis.call('DECR', KEYS[i]) end
end
return 0
`;

/** A record outlives its window a little, so a late give-back finds it; then it is gone. */
const GRACE_MS = 60_000;

interface WithBudget {
  imagekaBudgetTake(...args: Array<string | number>): Promise<number>;
  imagekaBudgetGiveBack(...args: string[]): Promise<number>;
}

/** The generation budget shared by every instance: exact across all of them. */
export class RedisBudgetCounter implements BudgetCounter {
  readonly #client: Redis & WithBudget;
  readonly #prefix: string;

  constructor(client: Redis, partition: string) {
    if (!('imagekaBudgetTake' in client)) {
      client.defineCommand('imagekaBudgetTake', { lua: TAKE_SCRIPT });
      client.defineCommand('imagekaBudgetGiveBack', { lua: GIVE_BACK_SCRIPT });
    }
    this.#client = client as Redis & WithBudget;
    this.#prefix = `${partition}:budget:`;
  }

  async take(windows: readonly BudgetWindow[]): Promise<BudgetWindow | null> {
    if (windows.length === 0) return null;
    const keys = windows.map((window) => this.#prefix + window.key);
    const args = windows.flatMap((window) => [window.limit, window.endsAt + GRACE_MS]);
    const full = await orUnavailable(() => this.#client.imagekaBudgetTake(windows.length, ...keys, ...args));
    return full === 0 ? null : windows[full - 1]!;
  }

  async giveBack(windows: readonly BudgetWindow[]): Promise<void> {
    if (windows.length === 0) return;
    await orUnavailable(() => this.#client.imagekaBudgetGiveBack(String(windows.length), ...windows.map((window) => this.#prefix + window.key)));
  }

  async used(windows: readonly BudgetWindow[]): Promise<number[]> {
    if (windows.length === 0) return [];
    const values = await orUnavailable(() => this.#client.mget(...windows.map((window) => this.#prefix + window.key)));
    return values.map((value) => Number(value ?? 0));
  }
}
