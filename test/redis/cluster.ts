import type { Server } from '@hapi/hapi';
import sharp from 'sharp';
import { redisDependencies, type RedisDependencies } from '../../api/redis/index.js';
import type { CreateServerOptions } from '../../api/server.js';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startRedis, type TestRedis } from '../helpers/redis.js';
import { scriptedProvider, testServer } from '../helpers/server.js';

export const SHARED_SECRET = 'shared-between-instances-'.padEnd(48, 'x');
export const ANSWER = 'ACDEH';

let partitions = 0;

export interface Instance {
  server: Server;
  redis: RedisDependencies;
}

/**
 * `count` instances as separate processes would be: each with its own Redis connection, all
 * sharing one Redis (in a partition of their own, so tests do not see each other's keys) and
 * one session secret. They count their generations in one shared scripted provider.
 */
export async function cluster(url: string, count: number, options: CreateServerOptions & { beforeGenerate?: () => Promise<void>; clientSlotLeaseMs?: number } = {}) {
  const { beforeGenerate, clientSlotLeaseMs, ...serverOptions } = options;
  const partition = `test${process.pid}-${++partitions}`;
  const provider = scriptedProvider(async () => {
    await beforeGenerate?.();
    return { bytes: await tinyPng(), mimeType: 'image/png', seed: 1 };
  });
  const instances: Instance[] = [];
  for (let i = 0; i < count; i += 1) {
    const redis = redisDependencies(url, { partition, generateWindowMs: options.generateWindowMs, ...(clientSlotLeaseMs ? { clientSlotLeaseMs } : {}) });
    const server = await testServer({ provider, sessionSecret: SHARED_SECRET, ...redis.serverOptions, ...serverOptions });
    instances.push({ server, redis });
  }
  return {
    instances,
    servers: instances.map((instance) => instance.server),
    provider,
    partition,
    async close() {
      for (const { server, redis } of instances) {
        await server.stop();
        await redis.close();
      }
    },
  };
}

export type Cluster = Awaited<ReturnType<typeof cluster>>;

/** Health until 200, polled, within `withinMs`; returns how long it took. */
export async function untilReady(server: Server, withinMs = 5000): Promise<number> {
  const started = Date.now();
  for (;;) {
    const response = await server.inject('/api/v1/health');
    if (response.statusCode === 200) return Date.now() - started;
    if (Date.now() - started > withinMs) throw new Error(`not ready within ${withinMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

let png: Promise<Buffer> | undefined;
function tinyPng(): Promise<Buffer> {
  png ??= sharp({ create: { width: 64, height: 64, channels: 3, background: '#345' } }).png().toBuffer();
  return png;
}

/** `{ status: count }` of a batch of responses. */
export function tally(responses: Array<{ statusCode: number }>): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const { statusCode } of responses) counts[statusCode] = (counts[statusCode] ?? 0) + 1;
  return counts;
}

export function codeOf(response: { result?: unknown }): string | undefined {
  return (response.result as { code?: string } | null | undefined)?.code;
}

/**
 * One redis-server for the test file and a two-instance cluster per test, closed after it:
 * returns the function a test calls to get its cluster (`defaults` under each call's options).
 */
export function twoInstancesPerTest(defaults: Parameters<typeof cluster>[2] = {}) {
  let redis: TestRedis;
  let open: Cluster | undefined;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });
  afterEach(async () => {
    await open?.close();
    open = undefined;
  });
  return async (options: Parameters<typeof cluster>[2] = {}): Promise<Cluster> => {
    open = await cluster(redis.url, 2, { ...defaults, ...options });
    for (const server of open.servers) await untilReady(server);
    return open;
  };
}
