/**
 * `npm run bench`: every figure measured in this one run, on this machine, over loopback.
 * Prints a table and writes bench/results/latest.json.
 *   BENCH_SECONDS      seconds of load per HTTP run (default 10)
 *   BENCH_CONNECTIONS  autocannon connections (default 10)
 *   BENCH_SESSIONS     captcha sessions for the memory figure (default 100000)
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { measureBundle } from './bundle.js';
import { measureCaptcha } from './captcha.js';
import { measureGenerate } from './generate.js';
import { measureLighthouse } from './lighthouse.js';
import { load } from './load.js';
import { measureMemory } from './memory.js';
import { measureHomePage } from './page.js';
import { measurePow, powRows } from './pow.js';
import { rows, table } from './report.js';
import { startBenchServer } from './server.js';
import { checkTargets } from './targets.js';

const RESULTS = fileURLToPath(new URL('./results/', import.meta.url));
const SITE_MANIFEST = fileURLToPath(new URL('../dist/site/manifest.json', import.meta.url));
const settings = {
  seconds: Number(process.env.BENCH_SECONDS ?? 10),
  connections: Number(process.env.BENCH_CONNECTIONS ?? 10),
  sessions: Number(process.env.BENCH_SESSIONS ?? 100_000),
};

/** Runs one measurement; a failure is recorded in its place and the others still run. */
async function step(label, measure) {
  process.stderr.write(`bench: ${label}…\n`);
  try {
    return await measure();
  } catch (error) {
    process.stderr.write(`bench: ${label} failed: ${error instanceof Error ? error.message : error}\n`);
    return { error: `failed: ${error instanceof Error ? error.message : error}` };
  }
}

async function measureApi() {
  const server = await startBenchServer('api');
  try {
    const options = { seconds: settings.seconds, connections: settings.connections };
    const bare = await load({ url: `${server.url}/bench/bare`, ...options });
    const captcha = await measureCaptcha(server, bare, options);
    const generate = await measureGenerate(server, bare, options);
    return { bare: { run: bare }, captcha, generate };
  } finally {
    await server.stop();
  }
}

async function withSite(measure) {
  if (!existsSync(SITE_MANIFEST)) return { error: 'n/a (not built)' };
  const server = await startBenchServer('site');
  try {
    return await measure(`${server.url}/`);
  } finally {
    await server.stop();
  }
}

const startedAt = new Date().toISOString();
// Other work on the machine skews every figure; the load average says how busy it was.
const loadBefore = os.loadavg()[0];
const results = {
  api: await step('captcha and generate against the bare route', measureApi),
  memory: await step(`memory over ${settings.sessions} captcha sessions`, () => measureMemory({ sessions: settings.sessions })),
  bundle: await step('widget bundle', measureBundle),
  pow: await step('proof of work in Node and Chromium, and its verify', () => measurePow()),
  page: await step('home page bytes', () => withSite(measureHomePage)),
  lighthouse: await step('Lighthouse', () => withSite(measureLighthouse)),
};
const targets = checkTargets(results);
const machine = {
  node: process.version,
  cpu: os.cpus()[0]?.model ?? 'unknown',
  cores: os.availableParallelism(),
  memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  platform: `${os.platform()} ${os.release()}`,
  loadAverage: { before: loadBefore, after: os.loadavg()[0] },
};

await mkdir(RESULTS, { recursive: true });
await writeFile(`${RESULTS}latest.json`, `${JSON.stringify({ startedAt, machine, settings, results, targets }, null, 2)}\n`);

console.log(`\nIMAGEKA bench, ${startedAt}, Node ${machine.node}, ${machine.cores} × ${machine.cpu}`);
console.log(`load average (1 min) ${loadBefore.toFixed(2)} before, ${machine.loadAverage.after.toFixed(2)} after\n`);
console.log(table(['measurement', 'value', 'reference', 'ratio'], [...rows(results), ...powRows(results.pow)]));
console.log(`\n${table(['target', 'measured', 'result'], targets.map((t) => [t.target, t.shown, t.pass === null ? 'n/a' : t.pass ? 'pass' : 'MISS']))}`);
console.log('\nwritten to bench/results/latest.json');
