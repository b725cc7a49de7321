import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { SPOKEN_VOICES } from './spoken-languages.js';

/** One utterance and the voice settings to say it with (meSpeak's own option names). */
export interface Utterance {
  text: string;
  /** A meSpeak voice file, e.g. `en/en-us` or `de` (its id is the same). */
  voice: string;
  variant: string;
  pitch: number;
  speed: number;
  amplitude: number;
  /** Extra pause between words, in 10 ms units. */
  wordgap: number;
}

const resolve = createRequire(import.meta.url).resolve;
const PATHS = {
  mespeak: resolve('mespeak'),
  config: resolve('mespeak/src/mespeak_config.json'),
  voices: Object.fromEntries(SPOKEN_VOICES.map((voice) => [voice, resolve(`mespeak/voices/${voice}.json`)])),
};

// Plain CommonJS so the thread runs the same from TypeScript sources (tests) and from dist.
// A new meSpeak engine for every job: one engine's heap corrupts itself after about 75 calls.
// Errors go back without their message, which could quote what was being said.
const THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createRequire } = require('node:module');
const load = createRequire(workerData.mespeak);
const config = load(workerData.config);
function freshEngine() {
  delete load.cache[workerData.mespeak];
  const warn = console.warn;
  console.warn = () => undefined; // meSpeak announces "Not in browser" as it loads
  try { return load(workerData.mespeak); } finally { console.warn = warn; delete load.cache[workerData.mespeak]; }
}
parentPort.on('message', (utterances) => {
  try {
    const meSpeak = freshEngine();
    meSpeak.loadConfig(config);
    for (const voice of new Set(utterances.map((u) => u.voice))) meSpeak.loadVoice(load(workerData.voices[voice]));
    const clips = utterances.map(({ text, ...options }) => {
      const bytes = meSpeak.speak(text, { rawdata: 'array', ...options });
      if (!bytes) throw new Error('no audio');
      return Uint8Array.from(bytes);
    });
    parentPort.postMessage({ clips }, clips.map((clip) => clip.buffer));
  } catch (error) {
    parentPort.postMessage({ failed: true });
  }
});
`;

const BUSY_MESSAGES = {
  queue: 'captcha audio: speech queue full',
  client: 'captcha audio: client has its share of speech jobs',
  timeout: 'captcha audio: speech thread timed out',
};

/**
 * The queue is full, this client's share is taken (`client`: it already has that many clips
 * waiting or being spoken), or the clip took too long (`timeout`, the machine is overloaded or the
 * engine stuck): try again in a moment.
 */
export class SpeechBusyError extends Error {
  readonly reason: keyof typeof BUSY_MESSAGES;
  constructor(reason: keyof typeof BUSY_MESSAGES) {
    super(BUSY_MESSAGES[reason]);
    this.name = 'SpeechBusyError';
    this.reason = reason;
  }
}

/**
 * One background thread that speaks one job at a time. A job that fails fails alone; one that
 * hangs past its timeout ends the thread (a stuck engine cannot be interrupted), which fails that
 * job alone too. The thread holds the process alive only while it speaks.
 */
class SpeechThread {
  readonly #worker: Worker;
  #current: { resolve: (clips: Uint8Array[]) => void; reject: (error: Error) => void } | undefined;
  #dead = false;
  readonly #onDead: (thread: SpeechThread) => void;

  constructor(onDead: (thread: SpeechThread) => void) {
    // No inherited flags: `--input-type=module` and the like would change how the source runs.
    this.#worker = new Worker(THREAD_SOURCE, { eval: true, workerData: PATHS, execArgv: [] });
    this.#worker.on('message', ({ clips, failed }: { clips?: Uint8Array[]; failed?: boolean }) => {
      if (failed || !clips) this.#settle(new Error('captcha audio: speech engine failed'));
      else this.#settle(undefined, clips);
    });
    this.#onDead = onDead;
    this.#worker.on('error', () => this.#die(new Error('captcha audio: speech thread crashed')));
    this.#worker.on('exit', () => this.#die(new Error('captcha audio: speech thread exited')));
    // After the listeners, since attaching a 'message' listener refs the thread again.
    this.#worker.unref();
  }

  get dead(): boolean {
    return this.#dead;
  }

  run(utterances: Utterance[], timeoutMs: number): Promise<Uint8Array[]> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.#die(new SpeechBusyError('timeout')), timeoutMs);
      timer.unref();
      this.#current = {
        resolve: (clips) => (clearTimeout(timer), resolve(clips)),
        reject: (error) => (clearTimeout(timer), reject(error)),
      };
      // Held while a clip is pending, released when idle: an idle thread never keeps the process alive.
      this.#worker.ref();
      this.#worker.postMessage(utterances);
    });
  }

  /** Fails the job in hand and ends the thread for good: the pool makes a new one when needed. */
  #die(error: Error): void {
    if (this.#dead) return;
    this.#dead = true;
    this.#settle(error);
    void this.#worker.terminate();
    this.#onDead(this);
  }

  #settle(error: Error | undefined, clips?: Uint8Array[]): void {
    const job = this.#current;
    this.#current = undefined;
    if (!this.#dead) this.#worker.unref();
    if (!job) return;
    if (error) job.reject(error);
    else job.resolve(clips!);
  }
}

export interface SpeechPoolOptions {
  /** Threads speaking at once. @default 2 */
  threads: number;
  /** Jobs waiting for a thread, all clients together; one more is refused. @default 16 */
  queueLimit: number;
  /** Jobs one client may have waiting or being spoken; one more is refused. @default 2 */
  perClient: number;
  /** A job still speaking after this fails and its thread is replaced. @default 20 s (a clip takes well under 1 s of CPU) */
  jobTimeoutMs: number;
}

interface Job {
  client: string;
  utterances: Utterance[];
  resolve: (clips: Uint8Array[]) => void;
  reject: (error: Error) => void;
}

/**
 * meSpeak synthesises synchronously (~30 ms a character). Run on the main thread it would stall
 * every other request, so it runs on a few background threads, created on first use. Waiting jobs
 * are served in turn between clients (round robin), so a client that floods the endpoint waits
 * behind its own jobs, not in front of everybody else's.
 */
export class SpeechPool {
  readonly #options: SpeechPoolOptions;
  readonly #idle: SpeechThread[] = [];
  #running = 0;
  // Insertion order is turn order: a client served goes to the back.
  readonly #waiting = new Map<string, Job[]>();
  #waitingCount = 0;
  readonly #perClient = new Map<string, number>();

  constructor(options: Partial<SpeechPoolOptions> = {}) {
    this.#options = { threads: 2, queueLimit: 16, perClient: 2, jobTimeoutMs: 20_000, ...options };
  }

  /** Says each utterance with its own voice settings; one WAV file (as bytes) per utterance. */
  speak(utterances: Utterance[], client = ''): Promise<Uint8Array[]> {
    const held = this.#perClient.get(client) ?? 0;
    if (held >= this.#options.perClient) return Promise.reject(new SpeechBusyError('client'));
    if (this.#running >= this.#options.threads && this.#waitingCount >= this.#options.queueLimit) {
      return Promise.reject(new SpeechBusyError('queue'));
    }
    this.#perClient.set(client, held + 1);
    return new Promise<Uint8Array[]>((resolve, reject) => {
      const queue = this.#waiting.get(client) ?? [];
      queue.push({ client, utterances, resolve, reject });
      this.#waiting.set(client, queue);
      this.#waitingCount += 1;
      this.#dispatch();
    });
  }

  #dispatch(): void {
    while (this.#running < this.#options.threads && this.#waitingCount > 0) {
      const [client, queue] = this.#waiting.entries().next().value as [string, Job[]];
      const job = queue.shift()!;
      this.#waiting.delete(client);
      if (queue.length > 0) this.#waiting.set(client, queue);
      this.#waitingCount -= 1;
      this.#start(job);
    }
  }

  #start(job: Job): void {
    const thread = this.#idle.pop() ?? new SpeechThread((dead) => this.#forget(dead));
    this.#running += 1;
    thread.run(job.utterances, this.#options.jobTimeoutMs).then(job.resolve, job.reject).finally(() => {
      this.#running -= 1;
      const held = (this.#perClient.get(job.client) ?? 1) - 1;
      if (held > 0) this.#perClient.set(job.client, held);
      else this.#perClient.delete(job.client);
      if (!thread.dead) this.#idle.push(thread);
      this.#dispatch();
    });
  }

  #forget(thread: SpeechThread): void {
    const at = this.#idle.indexOf(thread);
    if (at >= 0) this.#idle.splice(at, 1);
  }
}

// For callers outside a server (scripts, tests): no shares, no queue limit, and patience on a busy machine.
const sharedPool = new SpeechPool({ queueLimit: Infinity, perClient: Infinity, jobTimeoutMs: 60_000 });

/** Says each utterance on the process's shared, unbounded pool (a server bounds its own). */
export function speak(utterances: Utterance[]): Promise<Uint8Array[]> {
  return sharedPool.speak(utterances);
}
