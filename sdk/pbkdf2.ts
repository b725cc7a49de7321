/**
 * PBKDF2-HMAC-SHA-256 in plain JavaScript, for pages without Web Crypto (`crypto.subtle` exists
 * only in secure contexts: a host page on plain http has none). Only the first 32-byte block,
 * which is all the proof of work uses. Several times slower than native code, and it yields to
 * the event loop every `YIELD_EVERY` iterations so the page stays responsive.
 */

// SHA-256's constants are the fractional parts of the primes' square roots (IV) and cube
// roots (K); computing them costs fewer bytes than listing them (doubles hold the 32 bits exactly).
const PRIMES = Array.from({ length: 312 }, (_, n) => n).filter((n) => n > 1 && Array.from({ length: n - 2 }, (_, d) => n % (d + 2)).every(Boolean));
const fraction = (x: number) => ((x - Math.floor(x)) * 2 ** 32) | 0;
const K = Int32Array.from(PRIMES.slice(0, 64), (p) => fraction(Math.cbrt(p)));
const IV = Int32Array.from(PRIMES.slice(0, 8), (p) => fraction(Math.sqrt(p)));
const W = new Int32Array(64);
const YIELD_EVERY = 1000;

const rotr = (x: number, n: number) => (x >>> n) | (x << (32 - n));

/** One SHA-256 compression of a 16-word block into `out` (which may be `state`). */
function compress(state: Int32Array, block: Int32Array, out: Int32Array): void {
  W.set(block);
  for (let i = 16; i < 64; i++) {
    const x = W[i - 15]!;
    const y = W[i - 2]!;
    W[i] = (W[i - 16]! + (rotr(x, 7) ^ rotr(x, 18) ^ (x >>> 3)) + W[i - 7]! + (rotr(y, 17) ^ rotr(y, 19) ^ (y >>> 10))) | 0;
  }
  let [a, b, c, d, e, f, g, h] = state as unknown as number[];
  for (let i = 0; i < 64; i++) {
    const t1 = (h! + (rotr(e!, 6) ^ rotr(e!, 11) ^ rotr(e!, 25)) + ((e! & f!) ^ (~e! & g!)) + K[i]! + W[i]!) | 0;
    const t2 = ((rotr(a!, 2) ^ rotr(a!, 13) ^ rotr(a!, 22)) + ((a! & b!) ^ (a! & c!) ^ (b! & c!))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d! + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  const result = [a, b, c, d, e, f, g, h];
  for (let i = 0; i < 8; i++) out[i] = (state[i]! + result[i]!) | 0;
}

/** SHA-256 of `bytes`, continuing from `state` after `before` bytes already hashed (a multiple of 64). */
function hash(bytes: Uint8Array, state: Int32Array = IV, before = 0): Int32Array {
  const length = Math.ceil((bytes.length + 9) / 64) * 64;
  const padded = new Uint8Array(length);
  padded.set(bytes);
  padded[bytes.length] = 0x80;
  const view = new DataView(padded.buffer);
  view.setUint32(length - 4, ((before + bytes.length) * 8) >>> 0);
  view.setUint32(length - 8, Math.floor(((before + bytes.length) * 8) / 2 ** 32));
  const out = Int32Array.from(state);
  const block = new Int32Array(16);
  for (let offset = 0; offset < length; offset += 64) {
    for (let i = 0; i < 16; i++) block[i] = view.getInt32(offset + i * 4);
    compress(out, block, out);
  }
  return out;
}

function toBytes(words: Int32Array): Uint8Array {
  const bytes = new Uint8Array(words.length * 4);
  const view = new DataView(bytes.buffer);
  words.forEach((word, i) => view.setInt32(i * 4, word));
  return bytes;
}

/** The first 32 bytes of PBKDF2-HMAC-SHA-256; `pause` runs between chunks of iterations. */
export async function pbkdf2Sha256(password: Uint8Array, salt: Uint8Array, iterations: number, pause: () => Promise<void> = nextTask): Promise<Uint8Array> {
  const key = new Uint8Array(64);
  key.set(password.length > 64 ? toBytes(hash(password)) : password);
  // HMAC's two keyed states, computed once: each iteration then costs two compressions.
  const innerState = compressKey(key, 0x36);
  const outerState = compressKey(key, 0x5c);
  const first = new Uint8Array(salt.length + 4);
  first.set(salt);
  first[first.length - 1] = 1;
  let u = hash(toBytes(hash(first, innerState, 64)), outerState, 64);
  const total = Int32Array.from(u);
  // A 32-byte message after the 64-byte key block, padded: one block of 16 words.
  const message = new Int32Array(16);
  message[8] = 0x80000000 | 0;
  message[15] = (64 + 32) * 8;
  const digest = new Int32Array(8);
  for (let i = 1; i < iterations; i++) {
    message.set(u);
    compress(innerState, message, digest);
    message.set(digest);
    compress(outerState, message, digest);
    u = digest;
    for (let j = 0; j < 8; j++) total[j] = total[j]! ^ digest[j]!;
    if (i % YIELD_EVERY === 0) await pause();
  }
  return toBytes(total);
}

function compressKey(key: Uint8Array, pad: number): Int32Array {
  const view = new DataView(key.map((byte) => byte ^ pad).buffer);
  const block = new Int32Array(16);
  for (let i = 0; i < 16; i++) block[i] = view.getInt32(i * 4);
  const state = Int32Array.from(IV);
  compress(state, block, state);
  return state;
}

/** Lets other tasks (input, timers, rendering) run; a message is not clamped like setTimeout. */
function nextTask(): Promise<void> {
  if (typeof MessageChannel !== 'function') return new Promise((resolve) => setTimeout(resolve, 0));
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(0);
  });
}
