/**
 * The benchmark targets (not test gates) and how each is read from the results.
 * 0.5 KB is taken as 512 bytes, 12 KB as 12 × 1024 and 120 KB as 120 × 1024.
 */
const KIB = 1024;

export const TARGETS = [
  { name: 'captcha issue ≥ 30% of bare req/s', value: (r) => r.api?.captcha.ratio, pass: (v) => v >= 0.3, format: percent },
  { name: 'generate ≥ 50% of bare req/s', value: (r) => r.api?.generate.ratio, pass: (v) => v >= 0.5, format: percent },
  { name: 'generate p99 < bare p99 + 5 ms', value: (r) => r.api?.generate.p99OverBareMs, pass: (v) => v < 5, format: (v) => `+${v} ms` },
  { name: '≤ 0.5 KB per outstanding session', value: (r) => r.memory?.bytesPerSession, pass: (v) => v <= 0.5 * KIB, format: (v) => `${Math.round(v)} B` },
  { name: 'widget ≤ 12 KB gzip', value: (r) => r.bundle?.widget?.gzip, pass: (v) => v <= 12 * KIB, format: kib },
  { name: 'home page ≤ 120 KB transferred', value: (r) => r.page?.bytes, pass: (v) => v <= 120 * KIB, format: kib },
  ...['performance', 'accessibility', 'best-practices', 'seo'].map((category) => ({
    name: `Lighthouse ${category} = 100`,
    value: (r) => r.lighthouse?.scores?.[category],
    pass: (v) => v === 100,
    format: String,
  })),
];

/** Each target with its measured value and `pass` true/false, or null when it was not measured. */
export function checkTargets(results) {
  return TARGETS.map((target) => {
    const value = target.value(results);
    const measured = typeof value === 'number' && Number.isFinite(value);
    return { target: target.name, value: measured ? value : null, shown: measured ? target.format(value) : 'n/a', pass: measured ? target.pass(value) : null };
  });
}

export function percent(ratio) {
  return `${(ratio * 100).toFixed(ratio < 0.01 ? 2 : 1)}%`;
}

export function kib(bytes) {
  return `${(bytes / KIB).toFixed(1)} KB`;
}
