/**
 * Bounds the generations in flight on this instance, with a bounded wait queue, so memory stays
 * bounded under any load. `enter` answers at once: a slot (possibly after a wait) or `null`
 * when the queue is full.
 */
export class GenerationGate {
  readonly #maxInFlight: number;
  readonly #maxQueued: number;
  #inFlight = 0;
  readonly #queue: Array<() => void> = [];

  constructor(maxInFlight: number, maxQueued: number) {
    this.#maxInFlight = maxInFlight;
    this.#maxQueued = maxQueued;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  get queued(): number {
    return this.#queue.length;
  }

  enter(): Slot | null {
    if (this.#inFlight < this.#maxInFlight) {
      this.#inFlight += 1;
      return new Slot(Promise.resolve(), () => this.#leave());
    }
    if (this.#queue.length >= this.#maxQueued) return null;
    let admit!: () => void;
    const ready = new Promise<void>((resolve) => (admit = resolve));
    this.#queue.push(admit);
    return new Slot(ready, () => this.#leave(), () => this.#dequeue(admit));
  }

  #leave(): void {
    const next = this.#queue.shift();
    if (next) next();
    else this.#inFlight -= 1;
  }

  #dequeue(admit: () => void): boolean {
    const index = this.#queue.indexOf(admit);
    if (index === -1) return false;
    this.#queue.splice(index, 1);
    return true;
  }
}

export class Slot {
  #released = false;

  constructor(
    readonly ready: Promise<void>,
    private readonly leave: () => void,
    private readonly dequeue: () => boolean = () => false,
  ) {}

  /** Frees the slot, or the place in the queue if it was never admitted. Safe to call twice. */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    if (!this.dequeue()) this.leave();
  }
}
