/**
 * The in-memory cache for sessions and rate-limit records when there is no Redis. catbox-memory
 * refuses every write once its byte budget is used up, so a full cache (a few hundred addresses
 * can fill 100 MiB within the session lifetime) answered 500 to everyone. This one evicts the
 * oldest-written records instead: a visitor whose session went simply gets a new one.
 */
import type { CachedObject, CacheKey, ClientApi } from '@hapi/catbox';

export interface MemoryCacheOptions {
  /** The byte budget, as counted by entryBytes(). */
  maxByteSize: number;
}

/** What one entry costs beyond its key and JSON text (the Map slot, the entry object), as catbox-memory counts it. */
const ENTRY_OVERHEAD_BYTES = 144;
const SWEEP_INTERVAL_MS = 60_000;

interface Entry {
  json: string;
  stored: number;
  ttl: number;
  bytes: number;
}

/** The bytes one record is counted for: what the README's sessions-per-MiB figure is based on. */
export function entryBytes(segment: string, id: string, json: string): number {
  return ENTRY_OVERHEAD_BYTES + Buffer.byteLength(segment) + Buffer.byteLength(id) + Buffer.byteLength(json);
}

export class EvictingMemoryCache implements ClientApi<unknown> {
  readonly #maxBytes: number;
  // A Map iterates in insertion order and a write re-inserts: the first entry is the oldest write.
  readonly #entries = new Map<string, Entry>();
  #bytes = 0;
  #sweeper: NodeJS.Timeout | undefined;

  constructor(options: MemoryCacheOptions) {
    if (!Number.isInteger(options.maxByteSize) || options.maxByteSize < 1024) throw new Error('maxByteSize must be an integer ≥ 1024');
    this.#maxBytes = options.maxByteSize;
  }

  /** Records held, and the bytes they are counted for. */
  get usage(): { records: number; bytes: number } {
    return { records: this.#entries.size, bytes: this.#bytes };
  }

  async start(): Promise<void> {
    this.#sweeper ??= setInterval(() => this.#sweep(Date.now()), SWEEP_INTERVAL_MS).unref();
  }

  stop(): void {
    clearInterval(this.#sweeper);
    this.#sweeper = undefined;
    this.#entries.clear();
    this.#bytes = 0;
  }

  isReady(): boolean {
    return this.#sweeper !== undefined;
  }

  validateSegmentName(name: string): Error | null {
    if (!name) return new Error('Empty string');
    if (name.includes('\0')) return new Error('Includes null character');
    return null;
  }

  async get(key: CacheKey): Promise<CachedObject<unknown> | null> {
    const name = keyOf(key);
    const entry = this.#entries.get(name);
    if (!entry) return null;
    const now = Date.now();
    if (entry.stored + entry.ttl <= now) {
      this.#remove(name, entry);
      return null;
    }
    return { item: JSON.parse(entry.json) as unknown, stored: entry.stored, ttl: entry.stored + entry.ttl - now };
  }

  async set(key: CacheKey, value: unknown, ttl: number): Promise<void> {
    const name = keyOf(key);
    const json = JSON.stringify(value);
    const bytes = entryBytes(key.segment, key.id, json);
    if (bytes > this.#maxBytes) throw new Error('Cache item larger than the whole cache');
    const previous = this.#entries.get(name);
    if (previous) this.#remove(name, previous);
    if (this.#bytes + bytes > this.#maxBytes) this.#sweep(Date.now());
    for (const [oldest, entry] of this.#entries) {
      if (this.#bytes + bytes <= this.#maxBytes) break;
      this.#remove(oldest, entry);
    }
    this.#entries.set(name, { json, stored: Date.now(), ttl, bytes });
    this.#bytes += bytes;
  }

  async drop(key: CacheKey): Promise<void> {
    const name = keyOf(key);
    const entry = this.#entries.get(name);
    if (entry) this.#remove(name, entry);
  }

  #remove(name: string, entry: Entry): void {
    this.#entries.delete(name);
    this.#bytes -= entry.bytes;
  }

  #sweep(now: number): void {
    for (const [name, entry] of this.#entries) if (entry.stored + entry.ttl <= now) this.#remove(name, entry);
  }
}

function keyOf(key: CacheKey): string {
  return `${key.segment}\0${key.id}`;
}
