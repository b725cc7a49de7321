import { afterEach, describe, expect, it } from 'vitest';
import { shutDown } from '../../api/shutdown.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';
import { issueCaptcha, solved } from '../helpers/server.js';
import { ANSWER, cluster, untilReady, type Cluster } from '../redis/cluster.js';

let redis: TestRedis | undefined;
let open: Cluster | undefined;

afterEach(async () => {
  await open?.close();
  await redis?.stop();
  open = undefined;
  redis = undefined;
});

/** A cluster of one, listening, whose generations wait until the test lets them finish. */
async function listening() {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let started!: () => void;
  const generating = new Promise<void>((resolve) => (started = resolve));
  redis = await startRedis();
  open = await cluster(redis.url, 1, {
    beforeGenerate: async () => {
      started();
      await released;
    },
  });
  const { server, redis: store } = open.instances[0]!;
  await server.start();
  await untilReady(server);
  const { cookie, response } = await issueCaptcha(server);
  const inFlight = fetch(`${server.info.uri}/api/v1/generate`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/json' },
    body: JSON.stringify({ prompt: 'a fox', captcha: ANSWER, pow: await solved(response) }),
  });
  await generating;
  return { server, store, inFlight, release };
}

describe('graceful shutdown', () => {
  it('refuses new connections at once, finishes the generation in flight, then closes Redis', async () => {
    const { server, store, inFlight, release } = await listening();
    const stopping = shutDown(server, { timeoutMs: 10_000, redis: store });

    await expect(fetch(`${server.info.uri}/api/v1/health`)).rejects.toThrow();
    expect(store.client.status).not.toBe('end');

    release();
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ mimeType: 'image/webp' });
    await stopping;
    expect(store.client.status).toBe('end');
  });

  it('does not wait past its bound for a generation that never ends', async () => {
    const { server, store, inFlight, release } = await listening();
    const outcome = inFlight.then(() => 'answered', () => 'cut off');
    await shutDown(server, { timeoutMs: 100, redis: store });
    expect(await outcome).toBe('cut off');
    expect(store.client.status).toBe('end');
    release();
  });
});
