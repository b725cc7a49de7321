/** A client's place among its generations running or waiting; freed on every path. */
export interface ClientSlot {
  /** Safe to call twice; never throws (a shared record that cannot be deleted expires by itself). */
  release(): Promise<void>;
}

/**
 * How many generations each client (the address key the rate limits use) has running or waiting.
 * `acquire` must be atomic across every instance sharing it.
 */
export interface ClientSlots {
  /** One of `max` slots for `client`, or null when all are taken. */
  acquire(client: string, max: number): Promise<ClientSlot | null>;
}

/** In-process slots: exact for one process, and nothing outlives it. */
export class MemoryClientSlots implements ClientSlots {
  readonly #held = new Map<string, number>();

  /** Clients holding a slot now: for tests that nothing leaks. */
  get clients(): number {
    return this.#held.size;
  }

  async acquire(client: string, max: number): Promise<ClientSlot | null> {
    const held = this.#held.get(client) ?? 0;
    if (held >= max) return null;
    this.#held.set(client, held + 1);
    let released = false;
    return {
      release: async () => {
        if (released) return;
        released = true;
        const left = (this.#held.get(client) ?? 1) - 1;
        if (left > 0) this.#held.set(client, left);
        else this.#held.delete(client);
      },
    };
  }
}
