#!/usr/bin/env node
/**
 * `npm run dev`: watchers that rebuild only what changed, never the whole build: tsc (server and
 * SDK) and rollup (the bundles) in watch mode, the site when site/ or the widget bundle changes.
 * The server restarts whenever its code or the site build changes. Ctrl-C stops it all.
 * The environment is passed on, so `PORT=4000 IMAGEKA_PROVIDER=openai … npm run dev` works.
 */
import { spawn } from 'node:child_process';
import { watch } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'node_modules', '.bin');
const SETTLE_MS = 300;
const log = (text) => console.log(`[dev] ${text}`);

const children = new Set();
const start = (command, args, name) => {
  const child = spawn(command, args, { cwd: ROOT, stdio: 'inherit', env: process.env });
  children.add(child);
  child.once('exit', (code, signal) => {
    children.delete(child);
    if (!stopping && name !== 'server') log(`${name} exited (${signal ?? code})`);
  });
  return child;
};

start(join(BIN, 'tsc'), ['-p', 'tsconfig.build.json', '--watch', '--preserveWatchOutput'], 'tsc');
start(join(BIN, 'rollup'), ['-c', 'rollup.config.js', '--watch', '--no-watch.clearScreen'], 'rollup');

/** Runs `task` once changes have settled; a change during a run schedules one more. */
function debounced(task) {
  let timer;
  let running = false;
  let again = false;
  const fire = async () => {
    if (running) return void (again = true);
    running = true;
    await task();
    running = false;
    if (again) {
      again = false;
      void fire();
    }
  };
  return () => {
    clearTimeout(timer);
    timer = setTimeout(fire, SETTLE_MS);
  };
}

const buildSite = debounced(
  () =>
    new Promise((resolve) => {
      log('site changed: npm run build:site');
      start('npm', ['run', 'build:site', '--silent'], 'site build').once('exit', resolve);
    }),
);
watch(join(ROOT, 'site'), { recursive: true }, (_event, file) => {
  if (!String(file).startsWith('build/') || String(file).endsWith('.ts')) buildSite();
});
watch(join(ROOT, 'dist'), { recursive: true }, (_event, file) => {
  if (/^widget\/widget\.js$/.test(String(file))) buildSite();
});

let server;
const restart = debounced(async () => {
  if (server) {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
    log('restarting the server');
  }
  server = start(process.execPath, ['dist/api/main.js'], 'server');
});
// All of dist/, filtered: the site build deletes and recreates dist/site, which a watcher on that
// folder itself would not survive.
watch(join(ROOT, 'dist'), { recursive: true }, (_event, file) => {
  if (/^(api|sdk|site)\/.*\.(js|json|html|css|woff2|svg|png|webp|txt|xml)$/.test(String(file))) restart();
});
buildSite();
restart();

let stopping = false;
const stop = () => {
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
  setTimeout(() => process.exit(0), 2000).unref();
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
