import type { Picture } from './state.js';
import { HISTORY_KEY, read, write } from './storage.js';

/** Older pictures beyond this are dropped, so the gallery and its JSON stay quick. */
export const HISTORY_LIMIT = 50;

/** Makes the small copy of a `data:` URL that goes into history; rejects when it cannot. */
export type Compressor = (image: string) => Promise<string>;

export interface SaveOutcome {
  items: Picture[];
  /** How many of the oldest pictures were dropped to make room. */
  evicted: number;
  saved: boolean;
}

/** Generated pictures, newest first, under one key so an entry is never half written. */
export class History {
  readonly #storage: Storage | undefined;
  readonly #compress: Compressor;
  /** The largest `data:` URL kept when compression fails (no canvas): a small original fits as is. */
  readonly #maxRawImage: number;

  constructor(storage: Storage | undefined, compress: Compressor, maxRawImage = 200_000) {
    this.#storage = storage;
    this.#compress = compress;
    this.#maxRawImage = maxRawImage;
  }

  list(): Picture[] {
    const raw = read(this.#storage, HISTORY_KEY);
    if (raw === undefined) return [];
    try {
      const value: unknown = JSON.parse(raw);
      return Array.isArray(value) ? value.filter(isPicture) : [];
    } catch {
      return [];
    }
  }

  /** Adds `picture` (re-compressed) in front; evicts the oldest while the quota is exceeded. */
  async add(picture: Picture): Promise<SaveOutcome> {
    let image: string;
    try {
      image = await this.#compress(picture.image);
    } catch {
      image = picture.image;
      if (image.length > this.#maxRawImage) return { items: this.list(), evicted: 0, saved: false };
    }
    const items = [{ ...picture, image }, ...this.list()].slice(0, HISTORY_LIMIT);
    let evicted = 0;
    for (;;) {
      const result = write(this.#storage, HISTORY_KEY, JSON.stringify(items));
      if (result === 'ok') return { items, evicted, saved: true };
      if (result === 'failed' || items.length === 1) return { items: this.list(), evicted: 0, saved: false };
      items.pop();
      evicted += 1;
    }
  }

  remove(id: string): Picture[] {
    const items = this.list().filter((item) => item.id !== id);
    if (items.length === 0) this.clear();
    else write(this.#storage, HISTORY_KEY, JSON.stringify(items));
    return items;
  }

  /** Writes back a list read before a delete (Undo); its images are already the small copies. */
  restore(items: Picture[]): Picture[] {
    return write(this.#storage, HISTORY_KEY, JSON.stringify(items)) === 'ok' ? items : this.list();
  }

  clear(): Picture[] {
    try {
      this.#storage?.removeItem(HISTORY_KEY);
    } catch {
      // Storage that cannot be written cannot hold anything to clear either.
    }
    return [];
  }
}

function isPicture(value: unknown): value is Picture {
  if (typeof value !== 'object' || value === null) return false;
  const item = value as Record<string, unknown>;
  return (
    typeof item.id === 'string' &&
    typeof item.image === 'string' &&
    item.image.startsWith('data:image/') &&
    typeof item.prompt === 'string' &&
    typeof item.width === 'number' &&
    typeof item.height === 'number' &&
    typeof item.seed === 'number' &&
    typeof item.createdAt === 'number'
  );
}
