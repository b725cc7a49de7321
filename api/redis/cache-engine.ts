import type { CachedObject, CacheKey, ClientApi } from '@hapi/catbox';
import CatboxRedis from '@hapi/catbox-redis';
import type { Redis } from 'ioredis';
import { orUnavailable } from './unavailable.js';

/**
 * catbox-redis on our own client, for yar's sessions and hapi-rate-limit's records.
 *
 * Given a client, catbox-redis does not connect in `start()`, so the server starts while Redis
 * is down. It always reports ready: catbox would otherwise refuse every call with a 500
 * "Disconnected", whereas the client itself fails fast while disconnected, and each failure here
 * becomes 503 `store_unavailable`.
 */
export class FailFastRedisCache implements ClientApi<unknown> {
  readonly #engine: ClientApi<unknown>;

  constructor(client: Redis, partition: string) {
    this.#engine = new CatboxRedis.Engine({ client, partition }) as unknown as ClientApi<unknown>;
  }

  start(): Promise<void> {
    return this.#engine.start();
  }

  stop(): void {
    this.#engine.stop();
  }

  isReady(): boolean {
    return true;
  }

  validateSegmentName(segment: string): Error | null {
    return this.#engine.validateSegmentName(segment);
  }

  get(key: CacheKey): Promise<CachedObject<unknown> | null> {
    return orUnavailable(() => this.#engine.get(key));
  }

  set(key: CacheKey, value: unknown, ttl: number): Promise<void> {
    return orUnavailable(() => this.#engine.set(key, value, ttl));
  }

  drop(key: CacheKey): Promise<void> {
    return orUnavailable(() => this.#engine.drop(key));
  }
}
