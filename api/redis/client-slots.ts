import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { ClientSlot, ClientSlots } from '../limits/client-slots.js';
import { orUnavailable } from './unavailable.js';

/**
 * A client's slots are members of one sorted set, scored by when their lease ends (Redis's own
 * clock, so instances' clocks do not matter). Expired leases are dropped before counting, so a
 * slot held by an instance that died frees itself. ARGV: max, lease ms, member.
 */
const ACQUIRE_SCRIPT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`;

/** Extends a lease still held; one already expired (and perhaps taken by another) stays gone. ARGV: lease ms, member. */
const RENEW_SCRIPT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
if redis.call('ZADD', KEYS[1], 'XX', 'CH', now + tonumber(ARGV[1]), ARGV[2]) == 1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return 0
`;

interface WithSlots {
  imagekaSlotAcquire(key: string, max: number, leaseMs: number, member: string): Promise<number>;
  imagekaSlotRenew(key: string, leaseMs: number, member: string): Promise<number>;
}

/** Per-client slots shared by every instance; each lease is renewed while its generation runs. */
export class RedisClientSlots implements ClientSlots {
  readonly #client: Redis & WithSlots;
  readonly #prefix: string;
  readonly #leaseMs: number;

  constructor(client: Redis, partition: string, leaseMs: number) {
    if (!('imagekaSlotAcquire' in client)) {
      client.defineCommand('imagekaSlotAcquire', { numberOfKeys: 1, lua: ACQUIRE_SCRIPT });
      client.defineCommand('imagekaSlotRenew', { numberOfKeys: 1, lua: RENEW_SCRIPT });
    }
    this.#client = client as Redis & WithSlots;
    this.#prefix = `${partition}:inflight:`;
    this.#leaseMs = leaseMs;
  }

  async acquire(client: string, max: number): Promise<ClientSlot | null> {
    const key = this.#prefix + client;
    const member = randomBytes(12).toString('base64url');
    const taken = await orUnavailable(() => this.#client.imagekaSlotAcquire(key, max, this.#leaseMs, member));
    if (taken !== 1) return null;
    // A renewal lost to an outage is harmless: at worst the lease ends early and the client may start one more.
    const renewal = setInterval(() => void this.#client.imagekaSlotRenew(key, this.#leaseMs, member).catch(() => {}), this.#leaseMs / 3);
    renewal.unref();
    let released = false;
    return {
      release: async () => {
        if (released) return;
        released = true;
        clearInterval(renewal);
        await this.#client.zrem(key, member).catch(() => {});
      },
    };
  }
}
