import type { PowParameters } from './challenge.js';

/**
 * PBKDF2 iterations in one attempt. One attempt is also what the server pays to verify, which
 * must stay under 5 ms of CPU even on a busy core (10,000 measured 5.4 ms on this loaded
 * 2-core machine); long attempts keep the browser's per-call overhead small next to the work.
 */
export const MAX_ITERATIONS_PER_ATTEMPT = 5_000;

export interface DifficultyRange {
  /** Expected PBKDF2 iterations per captcha at rest. */
  minCost: number;
  /** Expected PBKDF2 iterations per captcha at full load. */
  maxCost: number;
}

/** What the deployment is doing now. */
export interface LoadReading {
  /** Generations started in the whole deployment over the recent window, as a rate per hour. */
  recentPerHour: number;
  /** The rate at which the load counts as full (the hourly budget); undefined: the rate is not used. */
  fullRatePerHour: number | undefined;
  /** Generations running or queued on this instance, and how many it can hold. */
  busy: number;
  capacity: number;
}

export interface Difficulty extends PowParameters {
  /** 0 at rest, 1 at full load. */
  load: number;
  /** Expected iterations for this challenge: `iterations × (maxNumber + 2) / 2`. */
  cost: number;
}

/** The larger of the two pressures, each as a fraction of what the deployment allows. */
export function loadOf(reading: LoadReading): number {
  const rate = reading.fullRatePerHour ? reading.recentPerHour / reading.fullRatePerHour : 0;
  const queue = reading.capacity > 0 ? reading.busy / reading.capacity : 0;
  return Math.min(1, Math.max(0, rate, queue));
}

/**
 * The curve: geometric between the two costs, `minCost × (maxCost / minCost) ^ load`, so every
 * tenth of load multiplies the work by the same factor; quiet hours stay at `minCost` and an
 * attack that fills the queue or spends the budget meets `maxCost`.
 */
export function difficultyAt(load: number, range: DifficultyRange): Difficulty {
  const wanted = range.minCost * (range.maxCost / range.minCost) ** load;
  const iterations = Math.min(MAX_ITERATIONS_PER_ATTEMPT, Math.round(range.minCost));
  // The secret number is uniform over 0..maxNumber and tried in order: (maxNumber + 2) / 2 attempts on average.
  const attempts = Math.max(1, Math.round(wanted / iterations));
  return { load, iterations, maxNumber: 2 * attempts - 2, cost: iterations * attempts };
}
