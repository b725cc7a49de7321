/**
 * The server under load, in its own process so autocannon (in the parent) does not share its
 * event loop. Profiles:
 * - `api`: production plugins with limits raised out of the way, an instant in-memory provider,
 *   captchas drawn by the production maker but with a constant answer, and `GET /bench/bare`.
 * - `site`: production defaults, serving the built site.
 * Talks to the parent over IPC: `{ port }` once listening; `{ issue: n }` → `{ sessions: [...] }`.
 */
import { defaultCaptchaMaker } from '../dist/api/captcha/maker.js';
import { createServer } from '../dist/api/server.js';
import { BENCH_ANSWER, instantImage } from './fixtures.js';

const ISSUE_CONCURRENCY = 32;

async function instantProvider() {
  const bytes = await instantImage();
  return { name: 'instant', preview: false, generate: async (input) => ({ bytes, mimeType: 'image/webp', seed: input.seed }) };
}

async function apiServer() {
  const server = await createServer({
    host: '127.0.0.1',
    port: 0,
    site: false,
    provider: await instantProvider(),
    // Drawing and rendering cost exactly what production pays; only the answer is known.
    captcha: () => ({ ...defaultCaptchaMaker(), text: BENCH_ANSWER }),
    captchaPerMinute: 1_000_000_000,
    generateLimit: 1_000_000_000,
    maxInFlight: 8,
    maxQueued: 100_000,
    maxEventLoopDelayMs: 0,
  });
  // The baseline: a route on the same server, behind the same extensions, doing nothing.
  server.route({ method: 'GET', path: '/bench/bare', options: { cors: true }, handler: () => ({ ok: true }) });
  return server;
}

async function siteServer() {
  return createServer({ host: '127.0.0.1', port: 0 });
}

/** Sealed sessions, each with a pending captcha whose answer is BENCH_ANSWER. */
async function issue(server, count) {
  const sessions = [];
  while (sessions.length < count) {
    const batch = Math.min(ISSUE_CONCURRENCY, count - sessions.length);
    const responses = await Promise.all(Array.from({ length: batch }, () => server.inject('/api/v1/captcha')));
    for (const response of responses) {
      if (response.statusCode !== 200) throw new Error(`captcha answered ${response.statusCode}`);
      sessions.push(response.headers['x-imageka-session']);
    }
  }
  return sessions;
}

const profile = process.argv[2];
const server = profile === 'site' ? await siteServer() : await apiServer();
await server.start();
process.on('message', async (message) => {
  if (message?.issue) process.send({ sessions: await issue(server, message.issue) });
});
process.on('disconnect', () => server.stop({ timeout: 1000 }).then(() => process.exit(0)));
process.send({ port: server.info.port });
