import { speak, type Utterance } from './speech-thread.js';
import { decodeWav, encodeWav } from './wav.js';

type Random = () => number;

// What eSpeak produces; kept as is.
const SAMPLE_RATE = 22050;

// One engine makes one clip, one call per character: far below the ~75 calls that break an engine.
const MAX_CHARACTERS = 20;

/**
 * What is said for each character: the letter's name and a spelling-alphabet word, so that
 * letters that sound alike (M/N, P/T/D) cannot be confused; digits are said as numbers.
 */
const SPELLING: Record<string, string> = {
  a: 'alpha', b: 'bravo', c: 'charlie', d: 'delta', e: 'echo', f: 'foxtrot', g: 'golf', h: 'hotel',
  i: 'india', j: 'juliet', k: 'kilo', l: 'lima', m: 'mike', n: 'november', o: 'oscar', p: 'papa',
  q: 'quebec', r: 'romeo', s: 'sierra', t: 'tango', u: 'uniform', v: 'victor', w: 'whiskey',
  x: 'x-ray', y: 'yankee', z: 'zulu',
};
const DIGITS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];

// The eSpeak voice variants that a speech recogniser understood best; each character gets its
// own variant, pitch and speed, so the same character never sounds the same twice.
const VARIANTS = ['klatt', 'klatt2', 'klatt3', 'f2', 'm7'];

const between = (random: Random, min: number, max: number): number => min + random() * (max - min);
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

function phraseFor(ch: string): string {
  const lower = ch.toLowerCase();
  const word = SPELLING[lower];
  if (word) return `${lower.toUpperCase()}, as in ${word}.`;
  if (/^[0-9]$/.test(ch)) return `number ${DIGITS[Number(ch)]}.`;
  throw new Error('captcha audio: unsupported character');
}

/** Cuts leading and trailing near-silence, so that the gaps between characters are ours alone. */
function trimSilence(samples: Float32Array): Float32Array {
  const threshold = 0.02;
  let start = 0;
  let end = samples.length;
  while (start < end && Math.abs(samples[start]!) < threshold) start += 1;
  while (end > start && Math.abs(samples[end - 1]!) < threshold) end -= 1;
  return samples.subarray(start, end);
}

/** The voice settings for one character: each gets its own, so no character sounds the same twice. */
function utteranceFor(phrase: string, random: Random): Utterance {
  return {
    text: phrase,
    variant: pick(random, VARIANTS),
    pitch: Math.round(between(random, 35, 65)),
    speed: Math.round(between(random, 135, 160)),
    amplitude: Math.round(between(random, 80, 120)),
  };
}

function decodeSpeech(bytes: Uint8Array): Float32Array {
  const speech = decodeWav(bytes);
  if (speech.sampleRate !== SAMPLE_RATE) throw new Error('captcha audio: unexpected sample rate');
  return trimSilence(speech.samples);
}

const seconds = (random: Random, min: number, max: number): number =>
  Math.round(between(random, min, max) * SAMPLE_RATE);

/** Speech laid out with random pauses, then masked with coloured noise and a wandering hum. */
function mix(parts: Float32Array[], random: Random): Float32Array {
  const gaps = [seconds(random, 0.3, 0.7), ...parts.slice(1).map(() => seconds(random, 0.35, 0.9)), seconds(random, 0.3, 0.6)];
  const length = parts.reduce((sum, part) => sum + part.length, 0) + gaps.reduce((sum, gap) => sum + gap, 0);
  const out = new Float32Array(length);
  let at = gaps[0]!;
  parts.forEach((part, i) => {
    out.set(part, at);
    at += part.length + gaps[i + 1]!;
  });

  let speechPower = 0;
  for (const part of parts) for (const s of part) speechPower += s * s;
  const speechRms = Math.sqrt(speechPower / Math.max(1, parts.reduce((sum, part) => sum + part.length, 0)));
  const noiseRms = speechRms * between(random, 0.12, 0.2);
  const humLevel = speechRms * between(random, 0.05, 0.1);
  const humFrequency = between(random, 90, 240);
  const humDrift = between(random, 0.2, 0.8);
  // A one-pole low-pass turns white noise into a rumble that masks like room noise; the factor
  // restores the level the filter takes away.
  const smoothing = between(random, 0.6, 0.85);
  const gain = Math.sqrt((1 + smoothing) / (1 - smoothing));
  let low = 0;
  for (let i = 0; i < length; i += 1) {
    low = smoothing * low + (1 - smoothing) * (random() * 2 - 1) * Math.sqrt(3);
    const t = i / SAMPLE_RATE;
    const hum = Math.sin(2 * Math.PI * humFrequency * t + humDrift * Math.sin(2 * Math.PI * 0.5 * t));
    out[i] = out[i]! + low * gain * noiseRms + hum * humLevel;
  }
  return out;
}

/**
 * The captcha answer spoken one character at a time (letter name plus spelling word, digits as
 * numbers), each with its own voice, pitch and speed, random pauses between them and noise
 * underneath, as a complete 16-bit mono PCM WAV file at 22.05 kHz. Made in memory each time:
 * nothing is written to disk or cached. Deterministic for a given `random` sequence.
 */
export async function renderCaptchaAudio(text: string, random: Random = Math.random): Promise<Buffer> {
  if (text.length === 0 || text.length > MAX_CHARACTERS) throw new Error('captcha audio: text length out of range');
  const phrases = [...text].map(phraseFor);
  // Settings are drawn before the mix, in character order, so an injected `random` repeats exactly.
  const utterances = phrases.map((phrase) => utteranceFor(phrase, random));
  const parts = (await speak(utterances)).map(decodeSpeech);
  return encodeWav({ sampleRate: SAMPLE_RATE, samples: mix(parts, random) });
}
