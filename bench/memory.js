/**
 * Server-side bytes per outstanding captcha session: the heap an instance holds for a visitor who
 * loaded a captcha and has not answered yet (session record, pending answer, their indexes).
 * Runs in a child process with --expose-gc so nothing else the bench did sits in the heap.
 */
import { fork } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { setImmediate as tick } from 'node:timers/promises';

const SELF = fileURLToPath(import.meta.url);
const WARM_UP = 1000;
const CONCURRENCY = 64;
// The drawing is irrelevant to what is kept; a 1×1 one keeps 100,000 issues within minutes.
const TINY_SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"></svg>';

/** @param {{ sessions: number }} options */
export function measureMemory({ sessions }) {
  return new Promise((resolve, reject) => {
    const child = fork(SELF, [String(sessions)], { execArgv: ['--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`memory bench exited with ${code}`)));
  });
}

async function settledHeap() {
  for (let i = 0; i < 4; i += 1) {
    globalThis.gc();
    await tick();
  }
  return process.memoryUsage().heapUsed;
}

async function issue(server, count) {
  for (let done = 0; done < count; done += CONCURRENCY) {
    const batch = Math.min(CONCURRENCY, count - done);
    const responses = await Promise.all(Array.from({ length: batch }, () => server.inject('/api/v1/captcha')));
    if (responses.some((r) => r.statusCode !== 200)) throw new Error('captcha issue failed');
  }
}

async function child(sessions) {
  const { CAPTCHA_ALPHABET, CAPTCHA_LENGTH } = await import('../dist/api/captcha/maker.js');
  const { createServer } = await import('../dist/api/server.js');
  const answer = () => Array.from({ length: CAPTCHA_LENGTH }, () => CAPTCHA_ALPHABET[randomInt(CAPTCHA_ALPHABET.length)]).join('');
  const server = await createServer({
    port: 0,
    site: false,
    captcha: () => ({ text: answer(), svg: TINY_SVG }),
    captchaPerMinute: 1_000_000_000,
    maxEventLoopDelayMs: 0,
  });
  await server.initialize();
  await issue(server, WARM_UP);
  const before = await settledHeap();
  const started = performance.now();
  await issue(server, sessions);
  const seconds = (performance.now() - started) / 1000;
  const after = await settledHeap();
  process.send({ sessions, heapDeltaBytes: after - before, bytesPerSession: (after - before) / sessions, seconds });
  process.exit(0);
}

if (process.argv[1] === SELF && process.send) await child(Number(process.argv[2]));
