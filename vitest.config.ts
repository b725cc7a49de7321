import { defineConfig } from 'vitest/config';

/**
 * Four projects, all run by `npm test`; each can run alone (`npm run test:unit` and friends).
 * unit: no socket (enforced by test/helpers/no-network.ts), no browser, no child process; it is
 * the fast loop. integration: real servers on loopback ports, fake upstreams, Redis, the built
 * server as a child, the speech engine. browser: real Chromium. load: long, CPU-heavy runs (the
 * 20 s load test, thousands of fuzzed requests, the container's steps in a clean copy).
 */
const BROWSER = ['test/site/browser-*.test.ts'];
const LOAD = ['test/hardening/load.test.ts', 'test/hardening/fuzz.test.ts', 'test/container/*.test.ts'];
const INTEGRATION = [
  // Real sockets: fake upstreams, trickling clients, several loopback addresses, spawned tools.
  'test/hardening/*.test.ts',
  'test/packages/*.test.ts',
  'test/api/capacity.test.ts',
  'test/api/fair-share.test.ts',
  'test/api/openapi-tools.test.ts',
  'test/api/shutdown.test.ts',
  'test/api/captcha/audio-solver.test.ts',
  // The real speech engine in worker threads: seconds per clip, too slow for the fast loop.
  'test/api/captcha/audio.test.ts',
  'test/api/captcha-audio-route.test.ts',
  'test/api/captcha/speech-thread.test.ts',
  'test/api/config.test.ts',
  'test/api/metrics.test.ts',
  'test/api/providers/*.test.ts',
  'test/hardening/faults.test.ts',
  'test/policy/access-logs.test.ts',
  'test/policy/browser-storage-only.test.ts',
  'test/policy/no-prompt-in-logs.test.ts',
  'test/policy/prompts-not-stored.test.ts',
  'test/policy/rate-limit-48h.test.ts',
  'test/redis/*.test.ts',
  'test/sdk/*.test.ts',
  'test/widget/*.test.ts',
];
const ALL = ['test/**/*.test.ts', 'test/**/*.test.tsx'];
/** Stops the servers a file made in a hook when that file ends. */
const STOP_SERVERS = 'test/helpers/stop-leftover-servers.ts';

export default defineConfig({
  test: {
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Browser and Redis suites start their own processes; two cores here, so keep it calm.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ALL,
          exclude: [...BROWSER, ...LOAD, ...INTEGRATION],
          setupFiles: ['test/helpers/no-network.ts', STOP_SERVERS],
          // Files share one module graph per worker: sharp, hapi, joi and the server are loaded
          // twice in all instead of once per file (about 1 s each). Per-file state lives in
          // setup files, which still run before every file.
          isolate: false,
        },
      },
      { extends: true, test: { name: 'integration', include: INTEGRATION, exclude: [...BROWSER, ...LOAD], setupFiles: [STOP_SERVERS] } },
      { extends: true, test: { name: 'browser', include: BROWSER, setupFiles: [STOP_SERVERS] } },
      { extends: true, test: { name: 'load', include: LOAD, setupFiles: [STOP_SERVERS] } },
    ],
  },
});
