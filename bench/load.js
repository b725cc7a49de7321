import autocannon from 'autocannon';

/**
 * One autocannon run from code, bounded by time and by count, on loopback only.
 * Returns the figures the report uses; `statuses` counts answers by HTTP status.
 * @param {{ url: string, connections?: number, seconds?: number, maxRequests?: number, warmupSeconds?: number, requests?: object[], method?: string, headers?: Record<string, string>, body?: string }} options
 */
export async function load({ url, connections = 10, seconds = 10, maxRequests = 1_000_000, warmupSeconds = 2, ...request }) {
  if (!/^http:\/\/127\.0\.0\.1:\d+\//.test(url)) throw new Error(`bench load stays on loopback, not ${url}`);
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    maxOverallRequests: maxRequests,
    ...(warmupSeconds > 0 ? { warmup: { connections, duration: warmupSeconds } } : {}),
    ...request,
  });
  const statuses = {};
  for (const [code, { count }] of Object.entries(result.statusCodeStats ?? {})) statuses[code] = count;
  return {
    requestsPerSecond: round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    seconds: result.duration,
    connections,
    statuses,
    errors: result.errors + result.timeouts,
  };
}

export const round = (value, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;
