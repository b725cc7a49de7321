import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { expect, it } from 'vitest';
import { ROOT } from '../helpers/site.js';

/** A clean copy, a build, a production-only install: minutes on a busy 2-core machine. */
const STEPS_TIMEOUT_MS = 15 * 60 * 1000;

it('the Dockerfile steps work in a clean copy: production dependencies only, then it starts and answers health', async () => {
  const child = spawn(process.execPath, ['scripts/container-steps.js'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const [code] = await once(child, 'exit');
  expect(output).toMatch(/HEALTHCHECK command: exit 0/);
  expect(output).toMatch(/health, site, widget, captcha, spoken captcha and metrics answered/);
  expect(output).toMatch(/^\[container\] ok$/m);
  expect(code, output).toBe(0);
}, STEPS_TIMEOUT_MS);
