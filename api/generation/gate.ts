interface Waiter {
  client: string;
  admit: () => void;
  /** 1 = next to be admitted. */
  position: number;
  onPosition?: (position: number) => void;
}

/**
 * Bounds the generations in flight on this instance, with a bounded wait queue, so memory stays
 * bounded under any load. `enter` answers at once: a slot (possibly after a wait) or `null`
 * when the queue is full. The queue is served round-robin between clients: whoever has waited
 * for their turn goes before a client's second, third… request, however many it queued first.
 */
export class GenerationGate {
  readonly #maxInFlight: number;
  readonly #maxQueued: number;
  #inFlight = 0;
  #queued = 0;
  /** Each waiting client's requests, oldest first; Map order is the order of turns. */
  readonly #waiting = new Map<string, Waiter[]>();

  constructor(maxInFlight: number, maxQueued: number) {
    this.#maxInFlight = maxInFlight;
    this.#maxQueued = maxQueued;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  get queued(): number {
    return this.#queued;
  }

  enter(client: string): Slot | null {
    if (this.#inFlight < this.#maxInFlight) {
      this.#inFlight += 1;
      return new Slot(Promise.resolve(), () => this.#leave());
    }
    if (this.#queued >= this.#maxQueued) return null;
    const waiter = { client, position: 0 } as Waiter;
    const ready = new Promise<void>((resolve) => (waiter.admit = resolve));
    const line = this.#waiting.get(client);
    if (line) line.push(waiter);
    else this.#waiting.set(client, [waiter]);
    this.#queued += 1;
    this.#renumber();
    return new Slot(ready, () => this.#leave(), () => this.#dequeue(waiter), waiter);
  }

  #leave(): void {
    const next = this.#takeNext();
    if (next) next.admit();
    else this.#inFlight -= 1;
  }

  /** The first client in turn gives up its oldest request and, if it has more, goes to the back. */
  #takeNext(): Waiter | undefined {
    const first = this.#waiting.entries().next();
    if (first.done) return undefined;
    const [client, line] = first.value;
    const next = line.shift()!;
    this.#waiting.delete(client);
    if (line.length > 0) this.#waiting.set(client, line);
    this.#queued -= 1;
    next.position = 0;
    this.#renumber();
    return next;
  }

  #dequeue(waiter: Waiter): boolean {
    const line = this.#waiting.get(waiter.client);
    const index = line?.indexOf(waiter) ?? -1;
    if (!line || index === -1) return false;
    line.splice(index, 1);
    if (line.length === 0) this.#waiting.delete(waiter.client);
    this.#queued -= 1;
    this.#renumber();
    return true;
  }

  /** Positions in the order requests would be admitted if nobody else arrived; tells whoever moved. */
  #renumber(): void {
    const lines = [...this.#waiting.values()];
    const rounds = Math.max(0, ...lines.map((line) => line.length));
    let position = 0;
    for (let round = 0; round < rounds; round += 1) {
      for (const line of lines) {
        const waiter = line[round];
        if (!waiter) continue;
        position += 1;
        if (waiter.position !== position) {
          waiter.position = position;
          waiter.onPosition?.(position);
        }
      }
    }
  }
}

export class Slot {
  #released = false;

  constructor(
    readonly ready: Promise<void>,
    private readonly leave: () => void,
    private readonly dequeue: () => boolean = () => false,
    private readonly waiter?: Waiter,
  ) {}

  /** Place in the queue, 1 = next; 0 once admitted (or when admitted at once). */
  get position(): number {
    return this.waiter?.position ?? 0;
  }

  /** Told each new position while waiting. */
  onPosition(listener: (position: number) => void): void {
    if (this.waiter) this.waiter.onPosition = listener;
  }

  /** Frees the slot, or the place in the queue if it was never admitted. Safe to call twice. */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    if (!this.dequeue()) this.leave();
  }
}
