/**
 * How long images take on this instance: the mean of the last few successful generations, so a
 * waiting visitor can be told "usually about 8 s". Nothing about the request is kept.
 */
export class TypicalDuration {
  readonly #recent: number[] = [];
  readonly #size: number;

  constructor(size = 10) {
    this.#size = size;
  }

  record(durationMs: number): void {
    this.#recent.push(durationMs);
    if (this.#recent.length > this.#size) this.#recent.shift();
  }

  /** Whole milliseconds, or undefined before the first image. */
  get ms(): number | undefined {
    const recent = this.#recent;
    return recent.length === 0 ? undefined : Math.round(recent.reduce((sum, value) => sum + value, 0) / recent.length);
  }
}
