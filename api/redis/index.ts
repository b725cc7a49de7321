import type { Redis } from 'ioredis';
import { MAX_CAPTCHA_TTL_MS, MAX_LIMIT_WINDOW_MS } from '../policy.js';
import type { CreateServerOptions } from '../server.js';
import { RedisBudgetCounter } from './budget-counter.js';
import { FailFastRedisCache } from './cache-engine.js';
import { RedisCaptchaStore } from './captcha-store.js';
import { RedisClientSlots } from './client-slots.js';
import { RedisRecentGenerations, RedisSpentProofs } from './proofs.js';
import { closeRedis, connectRedis, redisIsReady, type RedisConnectionOptions } from './connection.js';
import { RedisWindowCounter } from './window-counter.js';

export interface RedisDependenciesOptions extends RedisConnectionOptions {
  /** Must equal createServer's `generateWindowMs`. @default 1 hour (at most 48 hours) */
  generateWindowMs?: number;
  /** Prefix of every key, so several deployments can share one Redis. @default 'imageka' */
  partition?: string;
  /**
   * How long a client's in-flight record outlives the last sign of life of the instance holding
   * it (renewed every third of it while the generation runs). @default 30 seconds
   */
  clientSlotLeaseMs?: number;
}

type RedisServerOptions = Required<Pick<CreateServerOptions, 'cache' | 'captchaStore' | 'generationCounter' | 'budgetCounter' | 'clientSlots' | 'audioPlayCounter' | 'spentProofs' | 'recentGenerations' | 'isReady' | 'store'>>;

export type RedisDependencies = RedisServerOptions & {
  /** The same, without the connection: what to spread into createServer, which refuses unknown options. */
  serverOptions: RedisServerOptions;
  client: Redis;
  /** Closes the connection; call it after `server.stop()`. */
  close(): Promise<void>;
};

/**
 * Everything createServer needs so that several instances share sessions, captchas and limits
 * through the Redis at `url`: spread its `serverOptions` into createServer's. Connecting happens in the
 * background and never blocks or fails the start; /api/v1/health reports whether Redis answers.
 */
export function redisDependencies(url: string, options: RedisDependenciesOptions = {}): RedisDependencies {
  const partition = options.partition ?? 'imageka';
  const windowMs = options.generateWindowMs ?? 60 * 60 * 1000;
  if (!(windowMs >= 1000 && windowMs <= MAX_LIMIT_WINDOW_MS)) throw new RangeError('generateWindowMs must be between 1 second and 48 hours');
  const client = connectRedis(url, options);
  const serverOptions: RedisServerOptions = {
    cache: { name: 'redis', engine: new FailFastRedisCache(client, partition) },
    captchaStore: new RedisCaptchaStore(client, partition),
    generationCounter: new RedisWindowCounter(client, partition, windowMs),
    budgetCounter: new RedisBudgetCounter(client, partition),
    clientSlots: new RedisClientSlots(client, partition, options.clientSlotLeaseMs ?? 30_000),
    // As long as the longest captcha lifetime: a count never ends before its captcha.
    audioPlayCounter: new RedisWindowCounter(client, partition, MAX_CAPTCHA_TTL_MS, 'audio-plays'),
    spentProofs: new RedisSpentProofs(client, partition),
    recentGenerations: new RedisRecentGenerations(client, partition),
    isReady: () => redisIsReady(client),
    store: 'redis',
  };
  return { ...serverOptions, serverOptions, client, close: () => closeRedis(client) };
}
