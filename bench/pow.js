/**
 * The proof of work: what a visitor's browser and a native attacker pay, and what the server
 * pays to check. Challenges are the server's own (api/pow), solved one attempt at a time (one
 * core) by the SDK's solver in Node and by the same Web Crypto calls in headless Chromium.
 */
import { createServer } from 'node:http';
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { chromium } from 'playwright-core';
import { checkWork, issueChallenge } from '../dist/api/pow/challenge.js';
import { difficultyAt, MAX_ITERATIONS_PER_ATTEMPT } from '../dist/api/pow/difficulty.js';
import { DEFAULTS } from '../dist/api/defaults.js';
import { solvePow } from '../dist/sdk/pow.js';
import { CHROMIUM, CHROMIUM_FLAGS } from './chromium.js';

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const SECRET = randomBytes(32);
const binding = () => ({ sessionId: randomBytes(32).toString('base64url'), answer: 'acdeh', captchaExpiresAt: Date.now() + 600_000 });

/** The browser half: the SDK's native path (importKey once, one deriveBits per attempt), one lane. */
const BROWSER_SOLVE = `async (challenge) => {
  const utf8 = (text) => new TextEncoder().encode(text);
  const target = Uint8Array.from(atob(challenge.key.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
  const key = await crypto.subtle.importKey('raw', utf8(challenge.salt), 'PBKDF2', false, ['deriveBits']);
  const started = performance.now();
  for (let number = 0; number <= challenge.maxNumber; number += 1) {
    const bits = new Uint8Array(await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: utf8(String(number)), iterations: challenge.iterations }, key, 256));
    if (bits.every((byte, i) => byte === target[i])) return { ms: performance.now() - started, attempts: number + 1 };
  }
  throw new Error('unsolved');
}`;

export async function measurePow({ runs = { min: 7, max: 3 } } = {}) {
  const range = { minCost: DEFAULTS.powMinCost, maxCost: DEFAULTS.powMaxCost };
  const levels = { min: difficultyAt(0, range), max: difficultyAt(1, range) };
  const challenges = {};
  for (const [name, difficulty] of Object.entries(levels)) {
    challenges[name] = await Promise.all(Array.from({ length: runs[name] }, () => issueChallenge(SECRET, binding(), difficulty)));
  }

  // Native: the SDK's solver in Node (OpenSSL's PBKDF2 behind Web Crypto), one lane.
  const node = {};
  for (const [name, list] of Object.entries(challenges)) {
    const times = [];
    let attempts = 0;
    for (const challenge of list) {
      const started = performance.now();
      const solution = await solvePow(challenge, { concurrency: 1 });
      times.push(performance.now() - started);
      attempts += solution.number + 1;
    }
    node[name] = { medianMs: median(times), msPerAttempt: times.reduce((a, b) => a + b, 0) / attempts };
  }

  // Headless Chromium, on a page of its own on 127.0.0.1 (a secure context, so Web Crypto is there).
  const page = createServer((_request, response) => response.end('<!doctype html><title>pow bench</title>'));
  await new Promise((resolve) => page.listen(0, '127.0.0.1', resolve));
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
  const browserTimes = {};
  try {
    const tab = await browser.newPage();
    await tab.goto(`http://127.0.0.1:${page.address().port}/`);
    for (const [name, list] of Object.entries(challenges)) {
      const results = [];
      for (const challenge of list) results.push(await tab.evaluate(`(${BROWSER_SOLVE})(${JSON.stringify(challenge)})`));
      const attempts = results.reduce((sum, result) => sum + result.attempts, 0);
      browserTimes[name] = { medianMs: median(results.map((result) => result.ms)), msPerAttempt: results.reduce((sum, result) => sum + result.ms, 0) / attempts };
    }
  } finally {
    await browser.close();
    page.close();
  }

  // The server's check: one derivation, on its thread pool; CPU time of the whole process.
  const solved = await solvePow(challenges.min[0]);
  const verify = [];
  for (let i = 0; i < 40; i += 1) {
    const cpu = process.cpuUsage();
    if (!(await checkWork(solved))) throw new Error('verify failed');
    const used = process.cpuUsage(cpu);
    verify.push((used.user + used.system) / 1000);
  }

  // One core of this machine, natively: iterations per second, for the attacker's table.
  const attemptMs = median(Array.from({ length: 30 }, () => {
    const started = performance.now();
    pbkdf2Sync('salt', '1', MAX_ITERATIONS_PER_ATTEMPT, 32, 'sha256');
    return performance.now() - started;
  }));
  const iterationsPerSecond = (MAX_ITERATIONS_PER_ATTEMPT / attemptMs) * 1000;
  const attacker = [0, 0.25, 0.5, 0.75, 1].map((load) => {
    const { cost } = difficultyAt(load, range);
    return { load, cost, secondsPerCaptcha: cost / iterationsPerSecond, captchasPerCoreHour: Math.round((3600 * iterationsPerSecond) / cost) };
  });

  return {
    range,
    levels,
    node,
    chromium: browserTimes,
    // Against the attacker's best: OpenSSL's PBKDF2 called directly, one attempt at a time.
    ratio: { min: browserTimes.min.msPerAttempt / attemptMs, max: browserTimes.max.msPerAttempt / attemptMs },
    nativeAttemptMs: attemptMs,
    verifyCpuMs: median(verify),
    iterationsPerSecond,
    attacker,
  };
}

/** Rows for the printed table. */
export function powRows(pow) {
  if (!pow || pow.error) return [['proof of work', pow?.error ?? 'n/a', '', '']];
  const ms = (value) => `${value >= 100 ? Math.round(value) : value.toFixed(1)} ms`;
  const out = [];
  for (const name of ['min', 'max']) {
    const { cost, maxNumber, iterations } = pow.levels[name];
    out.push([
      `proof of work at ${name} (${cost.toLocaleString('en')} iterations, ${maxNumber + 1} numbers × ${iterations})`,
      `Chromium median ${ms(pow.chromium[name].medianMs)} (${ms(pow.chromium[name].msPerAttempt)}/attempt), Node SDK ${ms(pow.node[name].medianMs)}`,
      `native ${ms(pow.nativeAttemptMs)}/attempt`,
      `${pow.ratio[name].toFixed(2)}× browser/native`,
    ]);
  }
  out.push(['proof of work, server verify (CPU)', ms(pow.verifyCpuMs), '5 ms allowed', `${(pow.verifyCpuMs / 5).toFixed(2)}×`]);
  for (const row of pow.attacker) {
    out.push([`  attacker, load ${row.load}: one core`, `${row.captchasPerCoreHour.toLocaleString('en')} proofs/hour (${row.secondsPerCaptcha.toFixed(2)} s each)`, '', '']);
  }
  return out;
}

// `node bench/pow.js` runs this part alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  const { table } = await import('./report.js');
  const result = await measurePow();
  console.log(JSON.stringify(result, null, 2));
  console.log(table(['measurement', 'value', 'reference', 'ratio'], powRows(result)));
}
