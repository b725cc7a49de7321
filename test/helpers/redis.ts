import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';

const REDIS_SERVER = process.env.REDIS_SERVER_BIN ?? 'redis-server';
const READY_TIMEOUT_MS = 10_000;

/**
 * redis-server runs under a small shell that holds a pipe from this process: when the pipe closes
 * (a normal stop, or this process dying in any way, even SIGKILL) it kills redis-server and waits
 * for it, so no test run can leave one behind.
 */
const WATCHDOG = 'bin=$1; shift; "$bin" "$@" & pid=$!; echo "redis-pid $pid"; read -r _; kill -9 $pid 2>/dev/null; wait $pid';

interface Launched {
  watchdog: ChildProcess;
  pid: number;
}

export interface TestRedis {
  readonly port: number;
  readonly url: string;
  /** Kills redis-server (by its PID) and waits until it has exited. */
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
  let running: Launched | undefined;

  const start = async () => {
    running ??= await launch(chosen);
  };
  const stop = async () => {
    const current = running;
    running = undefined;
    if (!current) return;
    const exited = current.watchdog.exitCode === null ? once(current.watchdog, 'exit') : Promise.resolve();
    signalPid(current.pid, 'SIGKILL');
    current.watchdog.stdin!.end();
    await exited;
  };
  const signal = (name: NodeJS.Signals) => () => {
    if (running) signalPid(running.pid, name);
  };

  await start();
  return { port: chosen, url: `redis://127.0.0.1:${chosen}`, start, stop, freeze: signal('SIGSTOP'), thaw: signal('SIGCONT') };
}

async function launch(port: number): Promise<Launched> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  const watchdog = spawn('sh', ['-c', WATCHDOG, 'sh', REDIS_SERVER, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  let pid: number | undefined;
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server not ready after ${READY_TIMEOUT_MS} ms:\n${output}`)), READY_TIMEOUT_MS);
    const settle = (error?: Error) => {
      clearTimeout(timer);
      if (error) reject(error);
      else resolve();
    };
    watchdog.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      pid ??= Number(/redis-pid (\d+)/.exec(output)?.[1]) || undefined;
      if (pid && output.includes('Ready to accept connections')) settle();
    });
    watchdog.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    watchdog.once('error', (error) => settle(new Error(`cannot run ${REDIS_SERVER}: ${error.message}`)));
    watchdog.once('exit', (code) => settle(new Error(`redis-server exited (${code}):\n${output}`)));
  });
  try {
    await ready;
  } catch (error) {
    watchdog.stdin!.end();
    throw error;
  }
  return { watchdog, pid: pid! };
}

function signalPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
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
