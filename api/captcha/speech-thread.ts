import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** One utterance and the voice settings to say it with (meSpeak's own option names). */
export interface Utterance {
  text: string;
  variant: string;
  pitch: number;
  speed: number;
  amplitude: number;
}

const resolve = createRequire(import.meta.url).resolve;
const PATHS = {
  mespeak: resolve('mespeak'),
  config: resolve('mespeak/src/mespeak_config.json'),
  voice: resolve('mespeak/voices/en/en-us.json'),
};
/** A clip takes ~150 ms; far beyond this the engine is stuck and the thread is replaced. */
const JOB_TIMEOUT_MS = 10_000;

// Plain CommonJS so the thread runs the same from TypeScript sources (tests) and from dist.
// A new meSpeak engine for every clip: one engine's heap corrupts itself after about 75 calls.
// Errors go back without their message, which could quote what was being said.
const THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createRequire } = require('node:module');
const load = createRequire(workerData.mespeak);
const config = load(workerData.config);
const voice = load(workerData.voice);
function freshEngine() {
  delete load.cache[workerData.mespeak];
  const warn = console.warn;
  console.warn = () => undefined; // meSpeak announces "Not in browser" as it loads
  try { return load(workerData.mespeak); } finally { console.warn = warn; delete load.cache[workerData.mespeak]; }
}
parentPort.on('message', ({ id, utterances }) => {
  try {
    const meSpeak = freshEngine();
    meSpeak.loadConfig(config);
    meSpeak.loadVoice(voice);
    const clips = utterances.map(({ text, ...options }) => {
      const bytes = meSpeak.speak(text, { rawdata: 'array', ...options });
      if (!bytes) throw new Error('no audio');
      return Uint8Array.from(bytes);
    });
    parentPort.postMessage({ id, clips }, clips.map((clip) => clip.buffer));
  } catch (error) {
    parentPort.postMessage({ id, failed: true });
  }
});
`;

interface Job {
  resolve: (clips: Uint8Array[]) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * meSpeak synthesises synchronously (~30 ms a character). Run on the main thread it would stall
 * every other request while a clip is made, so it runs on one background thread, created on
 * first use, replaced if it dies or hangs, and keeping the process alive only while a clip is pending.
 */
class SpeechThread {
  #worker: Worker | undefined;
  readonly #jobs = new Map<number, Job>();
  #nextId = 0;

  speak(utterances: Utterance[]): Promise<Uint8Array[]> {
    const worker = this.#ensureWorker();
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.#fail(new Error('captcha audio: speech thread timed out'), true), JOB_TIMEOUT_MS);
      timer.unref();
      this.#jobs.set(id, { resolve, reject, timer });
      // Held while a clip is pending, released when idle: an idle thread never keeps the process alive.
      worker.ref();
      worker.postMessage({ id, utterances });
    });
  }

  #ensureWorker(): Worker {
    if (this.#worker) return this.#worker;
    // No inherited flags: `--input-type=module` and the like would change how the source runs.
    const worker = new Worker(THREAD_SOURCE, { eval: true, workerData: PATHS, execArgv: [] });
    worker.on('message', ({ id, clips, failed }: { id: number; clips?: Uint8Array[]; failed?: boolean }) => {
      const job = this.#jobs.get(id);
      if (!job) return;
      this.#jobs.delete(id);
      clearTimeout(job.timer);
      if (this.#jobs.size === 0) worker.unref();
      if (failed || !clips) job.reject(new Error('captcha audio: speech engine failed'));
      else job.resolve(clips);
    });
    worker.on('error', () => this.#fail(new Error('captcha audio: speech thread crashed'), false));
    worker.on('exit', () => this.#fail(new Error('captcha audio: speech thread exited'), false));
    // After the listeners, since attaching a 'message' listener refs the thread again.
    worker.unref();
    this.#worker = worker;
    return worker;
  }

  /** Rejects every pending clip and drops the thread; the next clip starts a new one. */
  #fail(error: Error, terminate: boolean): void {
    const worker = this.#worker;
    this.#worker = undefined;
    for (const job of this.#jobs.values()) {
      clearTimeout(job.timer);
      job.reject(error);
    }
    this.#jobs.clear();
    if (terminate) void worker?.terminate();
  }
}

const thread = new SpeechThread();

/** Says each utterance with its own voice settings; one WAV file (as bytes) per utterance. */
export function speak(utterances: Utterance[]): Promise<Uint8Array[]> {
  return thread.speak(utterances);
}
