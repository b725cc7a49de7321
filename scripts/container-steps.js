#!/usr/bin/env node
/**
 * The Dockerfile's steps without Docker (these machines cannot pull base images): a clean copy of
 * the repository (what `COPY . .` sees, .dockerignore applied), the build, a production-only install
 * of the dependencies (what `npm prune --omit=dev` leaves), then the runtime stage: only package.json,
 * node_modules and dist, started as the image's CMD with the image's environment, asked for health
 * (the HEALTHCHECK command itself), the site, a captcha, its audio and the metrics. A runtime
 * dependency left in devDependencies fails here.
 *
 *   node scripts/container-steps.js [--full-install] [--dev-dependency <package>]
 *
 * --full-install     the build stage runs its own `npm ci` (slow); by default it borrows this
 *                    checkout's installed node_modules, since only the production install is in question.
 * --dev-dependency   moves <package> from dependencies to devDependencies in the copy first: the run
 *                    must then fail (the suite proves the check bites this way).
 */
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const STARTUP_TIMEOUT_MS = 60_000;
const args = process.argv.slice(2);
const fullInstall = args.includes('--full-install');
const demoted = args.includes('--dev-dependency') ? args[args.indexOf('--dev-dependency') + 1] : undefined;

const work = mkdtempSync(join(tmpdir(), 'imageka-container-'));
const source = join(work, 'src');
const app = join(work, 'app');
const started = Date.now();
const step = (text) => console.log(`[container] ${((Date.now() - started) / 1000).toFixed(1)} s  ${text}`);
const run = (cwd, command, commandArgs, env = {}) =>
  execFileSync(command, commandArgs, { cwd, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
const npm = (cwd, npmArgs) => run(cwd, 'npm', [...npmArgs, '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error']);

let server;
try {
  step(`clean copy of the repository in ${work}`);
  const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n').map((line) => line.trim()).filter((line) => line && !line.startsWith('#'));
  const listed = run(ROOT, 'git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard']).toString('utf8').split('\0').filter(Boolean);
  const files = listed.filter((file) => existsSync(join(ROOT, file)) && !ignored.some((pattern) => matches(file, pattern)));
  for (const file of files) {
    mkdirSync(dirname(join(source, file)), { recursive: true });
    cpSync(join(ROOT, file), join(source, file));
  }
  if (demoted) moveToDevDependencies(join(source, 'package.json'), demoted);

  step(fullInstall ? 'build stage: npm ci' : 'build stage: borrowing the installed node_modules (use --full-install for npm ci)');
  if (fullInstall) npm(source, ['ci']);
  else symlinkSync(join(ROOT, 'node_modules'), join(source, 'node_modules'), 'dir');
  step('build stage: npm run build');
  run(source, 'npm', ['run', 'build', '--silent']);

  step('runtime stage: production dependencies only (npm ci --omit=dev, what npm prune --omit=dev leaves)');
  mkdirSync(app);
  for (const file of ['package.json', 'package-lock.json']) cpSync(join(source, file), join(app, file));
  npm(app, ['ci', '--omit=dev']);
  rmSync(join(app, 'package-lock.json'));
  cpSync(join(source, 'dist'), join(app, 'dist'), { recursive: true });
  // The tools only the build needs must be gone (tslib may stay: a production dependency uses it).
  const tools = ['typescript', 'vitest', 'rollup'].filter((name) => existsSync(join(app, 'node_modules', name)));
  if (tools.length > 0) throw new Error(`build tools installed in the runtime stage: ${tools.join(', ')}`);

  step('runtime stage: CMD ["node", "dist/api/main.js"] with the image environment');
  const env = { PATH: process.env.PATH, HOME: work, NODE_ENV: 'production', HOST: '127.0.0.1', PORT: '0', TZ: 'UTC', LOG_OUTPUT: 'stdout', METRICS_PORT: '0' };
  server = spawn(process.execPath, ['dist/api/main.js'], { cwd: app, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  server.stdout.on('data', (chunk) => (output += chunk));
  server.stderr.on('data', (chunk) => (output += chunk));
  const exited = once(server, 'exit');
  const origin = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "listening on" within ${STARTUP_TIMEOUT_MS} ms:\n${output}`)), STARTUP_TIMEOUT_MS);
    server.stdout.on('data', () => {
      const match = /listening on (http:\/\/[\d.]+:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    exited.then(([code]) => reject(new Error(`the server exited (${code}) before listening:\n${output}`)));
  });

  step(`runtime stage: answering on ${origin}`);
  const port = new URL(origin).port;
  const healthcheck = JSON.parse(readFileSync(join(ROOT, 'Dockerfile'), 'utf8').match(/HEALTHCHECK[^\n]*\\\n\s*CMD (\[.*\])/)[1]);
  run(app, healthcheck[0] === 'node' ? process.execPath : healthcheck[0], healthcheck.slice(1), { PORT: port });
  step('HEALTHCHECK command: exit 0');
  await expectStatus(`${origin}/api/v1/health/live`, 200);
  await expectStatus(`${origin}/`, 200, 'text/html');
  await expectStatus(`${origin}/widget.js`, 200, 'javascript');
  const captcha = await fetch(`${origin}/api/v1/captcha`);
  if (captcha.status !== 200) throw new Error(`GET /api/v1/captcha: ${captcha.status}`);
  const cookie = captcha.headers.getSetCookie()[0].split(';')[0];
  await captcha.arrayBuffer();
  await expectStatus(`${origin}/api/v1/captcha/audio`, 200, 'audio/wav', { cookie });
  const metricsUrl = /metrics on (\S+)/.exec(output)?.[1];
  if (!metricsUrl) throw new Error(`no metrics listener:\n${output}`);
  await expectStatus(metricsUrl, 200, 'text/plain');
  step('health, site, widget, captcha, spoken captcha and metrics answered');

  server.kill('SIGTERM');
  const [code] = await exited;
  server = undefined;
  if (code !== 0) throw new Error(`SIGTERM: exit status ${code}:\n${output}`);
  if (!output.includes('"event":"stop"')) throw new Error(`no JSON log lines on stdout (LOG_OUTPUT=stdout):\n${output}`);
  step('stopped cleanly on SIGTERM; logs were on stdout');
  console.log('[container] ok');
} catch (error) {
  console.error(`[container] FAILED: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  server?.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
}

async function expectStatus(url, status, type, headers = {}) {
  const response = await fetch(url, { headers });
  await response.arrayBuffer();
  if (response.status !== status) throw new Error(`GET ${url}: ${response.status}, expected ${status}`);
  if (type && !String(response.headers.get('content-type')).includes(type)) throw new Error(`GET ${url}: content type ${response.headers.get('content-type')}`);
}

/** .dockerignore lines here are plain names or `*.ext`; each matches a path or any of its folders. */
function matches(file, pattern) {
  const parts = file.split('/');
  if (pattern.startsWith('*.')) return file.endsWith(pattern.slice(1));
  return pattern.includes('/') ? file === pattern || file.startsWith(`${pattern}/`) : parts.includes(pattern);
}

function moveToDevDependencies(file, name) {
  const manifest = JSON.parse(readFileSync(file, 'utf8'));
  if (!manifest.dependencies?.[name]) throw new Error(`${name} is not a dependency`);
  manifest.devDependencies = { ...manifest.devDependencies, [name]: manifest.dependencies[name] };
  delete manifest.dependencies[name];
  writeFileSync(file, JSON.stringify(manifest, null, 2));
}
