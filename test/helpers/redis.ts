import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';

const REDIS_SERVER = process.env.REDIS_SERVER_BIN ?? 'redis-server';
const READY_TIMEOUT_MS = 10_000;

/** Every redis-server a test started, so none outlives the test process whatever happens. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) if (child.pid) process.kill(child.pid, 'SIGKILL');
});

export interface TestRedis {
  readonly port: number;
  readonly url: string;
  /** Stops redis-server (by its PID) and waits until it has exited. */
  stop(): Promise<void>;
  /** Starts it again on the same port, with no data: what an unpersisted restart looks like. */
  start(): Promise<void>;
  /** Freezes it (SIGSTOP): connections stay open but nothing answers. */
  freeze(): void;
  thaw(): void;
}

/** A fresh, unpersisted redis-server on a free loopback port, or on `port` if given. */
export async function startRedis(port?: number): Promise<TestRedis> {
  const chosen = port ?? (await freePort());
  let child: ChildProcess | undefined;

  const start = async () => {
    if (child) return;
    child = await launch(chosen);
  };
  const stop = async () => {
    const current = child;
    child = undefined;
    if (!current?.pid || current.exitCode !== null) return;
    const exited = once(current, 'exit');
    process.kill(current.pid, 'SIGCONT');
    process.kill(current.pid, 'SIGKILL');
    await exited;
  };
  const signal = (name: NodeJS.Signals) => () => {
    if (child?.pid) process.kill(child.pid, name);
  };

  await start();
  return { port: chosen, url: `redis://127.0.0.1:${chosen}`, start, stop, freeze: signal('SIGSTOP'), thaw: signal('SIGCONT') };
}

async function launch(port: number): Promise<ChildProcess> {
  const child = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server not ready after ${READY_TIMEOUT_MS} ms:\n${output}`)), READY_TIMEOUT_MS);
    const settle = (error?: Error) => {
      clearTimeout(timer);
      if (error) reject(error);
      else resolve();
    };
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) settle();
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', (error) => settle(new Error(`cannot run ${REDIS_SERVER}: ${error.message}`)));
    child.once('exit', (code) => settle(new Error(`redis-server exited with ${code}:\n${output}`)));
  });
  try {
    await ready;
  } catch (error) {
    if (child.pid && child.exitCode === null) process.kill(child.pid, 'SIGKILL');
    throw error;
  }
  // Keep draining its output so a full pipe never blocks it.
  child.stdout!.resume();
  child.stderr!.resume();
  return child;
}

/** A port that was free a moment ago (the tiny race with other processes is acceptable in tests). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}
