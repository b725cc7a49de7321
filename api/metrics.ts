/**
 * The service's Prometheus metrics, one registry per server. Plugins feed it through the methods
 * below (the metrics plugin exposes it as `server.plugins['imageka-metrics']`); a scrape reads it.
 *
 * Labels only ever take values from short fixed sets (a provider name from the configuration, an
 * error code from this codebase, a route path): never a prompt, an answer, an address or a session
 * id, so no series can identify a visitor and the number of series stays bounded.
 */
import client from 'prom-client';

export type CaptchaOutcome = 'right' | 'wrong' | 'expired';

/** Gauges read at scrape time, registered by whichever plugin owns the value. */
export interface MetricSources {
  generations?: () => { inFlight: number; queued: number };
  /** Whether the shared store answers (only with Redis). */
  redisUp?: () => Promise<boolean> | boolean;
  /** Generations the budget still allows in its current period. */
  budgetLeft?: () => Promise<number> | number;
  /** The proof-of-work difficulty a new challenge gets now. */
  powDifficulty?: () => Promise<number> | number;
}

type GaugeSpec<K extends keyof MetricSources> = { metric: string; help: string; read: (source: NonNullable<MetricSources[K]>) => Promise<number> | number };

const GAUGES: { [K in keyof MetricSources]-?: GaugeSpec<K>[] } = {
  generations: [
    { metric: 'imageka_generations_in_flight', help: 'Generations running on this instance', read: (source) => source().inFlight },
    { metric: 'imageka_generations_queued', help: 'Generations waiting for a slot on this instance', read: (source) => source().queued },
  ],
  redisUp: [
    {
      metric: 'imageka_redis_up',
      help: '1 while the shared Redis answers, 0 while it does not',
      read: async (source) => ((await Promise.resolve(source()).catch(() => false)) ? 1 : 0),
    },
  ],
  budgetLeft: [{ metric: 'imageka_budget_left', help: 'Generations the budget still allows in its current period', read: (source) => source() }],
  powDifficulty: [{ metric: 'imageka_pow_difficulty', help: 'Proof-of-work difficulty of a challenge issued now', read: (source) => source() }],
};

/** A generation's result: `ok`, or the error code the client got. */
const OUTCOME_CODE = /^[a-z][a-z0-9_]{0,40}$/;

export class ServiceMetrics {
  readonly registry = new client.Registry();
  readonly #observed = new Set<keyof MetricSources>();
  readonly #generations: client.Counter<'provider' | 'outcome'>;
  readonly #duration: client.Histogram<'provider' | 'outcome'>;
  readonly #captchas: client.Counter<'event'>;
  readonly #spoken: client.Counter;
  readonly #rateLimited: client.Counter<'route'>;
  readonly #budgetRefused: client.Counter;

  constructor(options: { processMetrics?: boolean } = {}) {
    const registers = [this.registry];
    if (options.processMetrics) client.collectDefaultMetrics({ register: this.registry });
    this.#generations = new client.Counter({
      name: 'imageka_generations_total',
      help: 'Generations run (captcha accepted) or refused as overloaded, by provider and outcome: ok or the error code sent',
      labelNames: ['provider', 'outcome'],
      registers,
    });
    this.#duration = new client.Histogram({
      name: 'imageka_generation_duration_seconds',
      help: 'Time from a generation slot to the re-encoded image (or the failure), by provider and outcome',
      labelNames: ['provider', 'outcome'],
      buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 40, 80, 160, 330],
      registers,
    });
    this.#captchas = new client.Counter({
      name: 'imageka_captchas_total',
      help: 'Captchas issued, and answers spent: right, wrong or expired',
      labelNames: ['event'],
      registers,
    });
    this.#spoken = new client.Counter({ name: 'imageka_captchas_spoken_total', help: 'Spoken captchas served', registers });
    this.#rateLimited = new client.Counter({
      name: 'imageka_rate_limited_total',
      help: 'Requests refused with 429 rate_limited, by route',
      labelNames: ['route'],
      registers,
    });
    this.#budgetRefused = new client.Counter({ name: 'imageka_budget_refused_total', help: 'Generations refused because the budget is spent', registers });
  }

  /**
   * Registers the function behind a gauge; the plugin that owns the value calls it once at
   * register time. A gauge nobody observes is left out of the scrape rather than shown as 0.
   */
  observe<K extends keyof MetricSources>(name: K, source: NonNullable<MetricSources[K]>): void {
    if (this.#observed.has(name)) throw new Error(`metric source "${name}" is already observed`);
    this.#observed.add(name);
    for (const { metric, help, read } of GAUGES[name]) {
      new client.Gauge({
        name: metric,
        help,
        registers: [this.registry],
        async collect() {
          this.set(await read(source as never));
        },
      });
    }
  }

  /** One generation request's end; `seconds` is left out for one refused before it ran. */
  generationFinished(provider: string, outcome: string, seconds?: number): void {
    const label = { provider, outcome: OUTCOME_CODE.test(outcome) ? outcome : 'internal_error' };
    this.#generations.inc(label);
    if (seconds !== undefined) this.#duration.observe(label, seconds);
  }

  captchaIssued(): void {
    this.#captchas.inc({ event: 'issued' });
  }

  /** One answer consumed; `spent` is the sum of the three outcomes. */
  captchaSpent(outcome: CaptchaOutcome): void {
    this.#captchas.inc({ event: 'spent' });
    this.#captchas.inc({ event: outcome });
  }

  captchaSpoken(): void {
    this.#spoken.inc();
  }

  rateLimited(route: string): void {
    this.#rateLimited.inc({ route });
  }

  budgetRefused(): void {
    this.#budgetRefused.inc();
  }

  /** The Prometheus text exposition of everything above. */
  scrape(): Promise<string> {
    return this.registry.metrics();
  }
}
