import { once } from 'node:events';
import { Redis } from 'ioredis';

/** How long one Redis command may take before the request fails with 503 `store_unavailable`. */
export const REDIS_COMMAND_TIMEOUT_MS = 500;
/** Longest pause between reconnection attempts: bounds how long service takes to resume. */
const MAX_RECONNECT_DELAY_MS = 1000;

export interface RedisConnectionOptions {
  /** Told once when the connection is lost and once when it is back (never per command). */
  log?: (message: string) => void;
}

/**
 * One shared client per process. It never gives up reconnecting, and while Redis is away every
 * command fails at once instead of queueing, so requests answer 503 quickly and never hang.
 */
export function connectRedis(url: string, options: RedisConnectionOptions = {}): Redis {
  const log = options.log ?? (() => {});
  const client = new Redis(url, {
    connectTimeout: 2000,
    commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    // A command cut off by a dropped connection has already failed for its request: sending it
    // again later could spend a captcha or count a generation nobody is waiting for.
    autoResendUnfulfilledCommands: false,
    retryStrategy: (attempt) => Math.min(attempt * 100, MAX_RECONNECT_DELAY_MS),
  });
  let up = false;
  client.on('ready', () => {
    up = true;
    log('[imageka] Redis connected');
  });
  client.on('close', () => {
    if (up) log('[imageka] Redis connection lost; reconnecting');
    up = false;
  });
  // Without a listener ioredis prints every failed reconnection attempt.
  client.on('error', () => {});
  return client;
}

/** Ready when connected and answering a PING within the command timeout. */
export async function redisIsReady(client: Redis): Promise<boolean> {
  if (client.status !== 'ready') return false;
  try {
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  }
}

/** Closes politely, or drops the connection if Redis does not answer in time. */
export async function closeRedis(client: Redis): Promise<void> {
  if (client.status === 'end') return;
  if (client.status !== 'ready') {
    client.disconnect();
    return;
  }
  const ended = once(client, 'end');
  try {
    await client.quit();
  } catch {
    client.disconnect();
  }
  await ended;
}
