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
 * when the queue is full.
 *
 * The queue is fair between clients: a free slot goes to the waiting client with the fewest
 * generations running here, and among equals to the one whose turn came longest ago (round-robin).
 * So however many requests one client queued first, everyone else waiting gets a slot before its
 * next one, and nobody holds more than its share while others wait.
 */
export class GenerationGate {
  readonly #maxInFlight: number;
  readonly #maxQueued: number;
  #inFlight = 0;
  #queued = 0;
  /** Generations running per client. */
  readonly #running = new Map<string, number>();
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
    const leave = () => this.#leave(client);
    if (this.#inFlight < this.#maxInFlight) {
      this.#inFlight += 1;
      this.#count(client, 1);
      return new Slot(Promise.resolve(), leave);
    }
    if (this.#queued >= this.#maxQueued) return null;
    const waiter = { client, position: 0 } as Waiter;
    const ready = new Promise<void>((resolve) => (waiter.admit = resolve));
    const line = this.#waiting.get(client);
    if (line) line.push(waiter);
    else this.#waiting.set(client, [waiter]);
    this.#queued += 1;
    this.#renumber();
    return new Slot(ready, leave, () => this.#dequeue(waiter), waiter);
  }

  #leave(client: string): void {
    this.#count(client, -1);
    const next = this.#takeNext();
    if (!next) {
      this.#inFlight -= 1;
      return;
    }
    this.#count(next.client, 1);
    next.admit();
  }

  #count(client: string, change: number): void {
    const running = (this.#running.get(client) ?? 0) + change;
    if (running > 0) this.#running.set(client, running);
    else this.#running.delete(client);
  }

  #takeNext(): Waiter | undefined {
    const client = pickFairly([...this.#waiting.keys()], (key) => this.#running.get(key) ?? 0);
    if (client === undefined) return undefined;
    const line = this.#waiting.get(client)!;
    const next = line.shift()!;
    // Its turn is over: it goes to the back of the order, if it still waits.
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

  /**
   * Positions in the order the waiting requests would be admitted if nobody else came or left:
   * the admissions replayed on copies. Tells each waiter whose position changed.
   */
  #renumber(): void {
    const running = new Map(this.#running);
    const lines = new Map([...this.#waiting].map(([client, line]) => [client, [...line]]));
    for (let position = 1; lines.size > 0; position += 1) {
      const client = pickFairly([...lines.keys()], (key) => running.get(key) ?? 0)!;
      const line = lines.get(client)!;
      const waiter = line.shift()!;
      lines.delete(client);
      if (line.length > 0) lines.set(client, line);
      running.set(client, (running.get(client) ?? 0) + 1);
      if (waiter.position !== position) {
        waiter.position = position;
        waiter.onPosition?.(position);
      }
    }
  }
}

/** The client with the fewest running, the earliest in turn order among equals. */
function pickFairly(inTurnOrder: string[], running: (client: string) => number): string | undefined {
  let best: string | undefined;
  for (const client of inTurnOrder) if (best === undefined || running(client) < running(best)) best = client;
  return best;
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
