import { availableParallelism } from 'node:os';
import { normalizeImage } from '../dist/api/generation/normalize.js';
import { BENCH_ANSWER, instantImage } from './fixtures.js';
import { load } from './load.js';

const PROMPT = 'a lighthouse on a cliff at dusk, oil painting';
const REENCODE_SAMPLES = 10;

/**
 * `POST /api/v1/generate` with the instant provider. Each request spends its own captcha: the
 * sessions are issued before the run (not timed) and each request takes the next one, so the
 * run is bounded by their number as well as by time.
 * @param {{ url: string, issueSessions(count: number): Promise<string[]> }} server
 * @param {{ requestsPerSecond: number, p99Ms: number }} bare
 */
export async function measureGenerate(server, bare, { sessions: count = 1500, ...loadOptions } = {}) {
  // Measured first, while the server is idle.
  const reencodeMs = await reencodeMedian();
  const sessions = await server.issueSessions(count);
  const connections = loadOptions.connections ?? 10;
  const run = await load({
    url: `${server.url}/api/v1/generate`,
    ...loadOptions,
    // A warm-up would spend sessions; the first requests warm the route instead.
    warmupSeconds: 0,
    // Requests being rebuilt when the run stops still take a session: keep some in hand.
    maxRequests: Math.max(connections, count - 2 * connections),
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ prompt: PROMPT, captcha: BENCH_ANSWER }),
        setupRequest: (request) => ({ ...request, headers: { ...request.headers, 'x-imageka-session': sessions.pop() ?? 'spent' } }),
      },
    ],
  });
  return {
    run,
    ratio: run.requestsPerSecond / bare.requestsPerSecond,
    p99OverBareMs: run.p99Ms - bare.p99Ms,
    reencodeMs,
    // Re-encoding is CPU-bound: with every core re-encoding and nothing else, this is the most generate could do.
    reencodeCeiling: (availableParallelism() * 1000) / reencodeMs,
  };
}

/** What re-encoding one 1024×1024 image costs on its own: the floor under each generation. */
async function reencodeMedian() {
  const bytes = await instantImage();
  const times = [];
  for (let i = 0; i < REENCODE_SAMPLES; i += 1) {
    const start = performance.now();
    await normalizeImage(bytes, { width: 1024, height: 1024, format: 'webp' });
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}
