/**
 * `node dist/api/main.js` as a real child process (`npm test` builds dist first), with its own
 * log, temp, home and working folders, and the test preload (fixtures/child-preload.mjs) for a
 * known captcha answer, a movable clock, fault injection and a record of outbound connections.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CAPTCHA_ALPHABET } from '../../api/captcha/maker.js';
import { assertBuildCurrent } from '../helpers/build.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PRELOAD = fileURLToPath(new URL('./fixtures/child-preload.mjs', import.meta.url));

/** The answer every captcha of a child has: picked from the real alphabet by the preload. */
export const CHILD_CAPTCHA = 'W9X3Y';

export interface Child {
  origin: string;
  /** `root` holds the others; `log` is created by the server. */
  dirs: { root: string; log: string; tmp: string; home: string; cwd: string };
  stdout: () => string;
  stderr: () => string;
  /** Every outbound connection so far (`host:port`). */
  connections: string[];
  /** Sends a preload command and waits until it is applied. */
  command(message: { type: 'advance'; ms: number } | { type: 'fault' | 'crash'; text: string }): Promise<void>;
  exited: Promise<number | null>;
  process: ChildProcess;
}

export async function startChild(env: Record<string, string>): Promise<Child> {
  assertBuildCurrent();
  const root = await mkdtemp(join(tmpdir(), 'imageka-child-'));
  const dirs = { root, log: join(root, 'logs'), tmp: join(root, 'tmp'), home: join(root, 'home'), cwd: join(root, 'data') };
  await Promise.all([dirs.tmp, dirs.home, dirs.cwd].map((dir) => mkdir(dir)));
  const picks = [...CHILD_CAPTCHA].map((char) => CAPTCHA_ALPHABET.indexOf(char)).join(',');
  const child = spawn(process.execPath, ['--import', PRELOAD, `${ROOT}dist/api/main.js`], {
    cwd: dirs.cwd,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: dirs.home,
      TMPDIR: dirs.tmp,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_DIR: dirs.log,
      SESSION_SECRET: 'policy-tests-session-secret-0123456789abcdef',
      POLICY_CAPTCHA_PICKS: picks,
      POLICY_CAPTCHA_RANGE: String(CAPTCHA_ALPHABET.length),
      // The cheapest proof of work: these tests are about what is written, not about its cost.
      POW_MIN_COST: '1000',
      POW_MAX_COST: '1000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const connections: string[] = [];
  const acks = new Map<number, () => void>();
  child.on('message', (message: { type: string; to?: string; id?: number }) => {
    if (message.type === 'connect') connections.push(message.to!);
    if (message.type === 'ack') acks.get(message.id!)?.();
  });
  let nextId = 0;
  const command: Child['command'] = (message) =>
    new Promise((resolve) => {
      const id = (nextId += 1);
      acks.set(id, resolve);
      child.send({ ...message, id });
    });

  const origin = await new Promise<string>((resolve, reject) => {
    const onData = () => {
      const match = /listening on (http:\/\/[\d.]+:\d+)/.exec(stdout);
      if (match) resolve(match[1]!);
    };
    child.stdout!.on('data', onData);
    void exited.then((code) => reject(new Error(`the server exited (${code}) before listening: ${stderr}`)));
  });
  return { origin, dirs, stdout: () => stdout, stderr: () => stderr, connections, command, exited, process: child };
}

/** SIGTERM (a graceful stop) unless it already exited; returns the exit code. */
export async function stopChild(child: Child): Promise<number | null> {
  if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGTERM');
  return child.exited;
}

export async function removeChild(child: Child | undefined): Promise<void> {
  if (!child) return;
  await stopChild(child);
  await rm(child.dirs.root, { recursive: true, force: true });
}
