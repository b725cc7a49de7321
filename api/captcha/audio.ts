import { speak as speakOnSharedPool, type Utterance } from './speech-thread.js';
import { DEFAULT_SPOKEN_LANGUAGE, SPOKEN_LANGUAGES, type SpokenLanguage } from './spoken-languages.js';
import { decodeWav, encodeWav } from './wav.js';

type Random = () => number;

// What eSpeak produces; kept as is.
const SAMPLE_RATE = 22050;

// One engine makes one clip, one call per character and one for the babble: far below the ~75 calls that break an engine.
const MAX_CHARACTERS = 20;
// The babble is one utterance of letters (synthesis costs by the second), heard twice over.
const BABBLE_PER_CHARACTER = 3;

// eSpeak voice variants for the answer: men's, women's and the Klatt synthesiser's.
const VARIANTS = ['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'f1', 'f2', 'f3', 'f4', 'f5', 'klatt', 'klatt2', 'klatt3'];
// The babble may also croak and whisper: it is there to be heard as murmur, not understood.
const BABBLE_VARIANTS = [...VARIANTS, 'croak', 'whisper'];
const BABBLE_CHARACTERS = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'];

// Levels relative to the answer's speech (RMS): the letters stay clearly on top of everything else.
const BABBLE_LEVEL = [0.16, 0.24] as const; // -16 to -12 dB
const NOISE_LEVEL = [0.06, 0.12] as const; // -24 to -18 dB, before its slow swell

const between = (random: Random, min: number, max: number): number => min + random() * (max - min);
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const seconds = (random: Random, min: number, max: number): number => Math.round(between(random, min, max) * SAMPLE_RATE);

function phraseFor(ch: string, language: SpokenLanguage, random: Random): string {
  const lower = ch.toLowerCase();
  if (/^[a-z]$/.test(lower)) {
    const word = pick(random, language.words[lower.charCodeAt(0) - 97]!);
    return pick(random, language.letterPhrases).replaceAll('{letter}', lower.toUpperCase()).replaceAll('{word}', word);
  }
  if (/^[0-9]$/.test(ch)) return pick(random, language.digitPhrases).replaceAll('{digit}', ch);
  throw new Error('captcha audio: unsupported character');
}

/** The voice settings for one utterance: each gets its own, so no character sounds the same twice. */
function utteranceFor(text: string, voices: readonly string[], variants: readonly string[], random: Random): Utterance {
  return {
    text,
    voice: pick(random, voices),
    variant: pick(random, variants),
    pitch: Math.round(between(random, 30, 70)),
    speed: Math.round(between(random, 130, 170)),
    amplitude: 100,
    wordgap: Math.floor(between(random, 0, 12)),
  };
}

/** Cuts leading and trailing near-silence, so that the spacing between characters is ours alone. */
function trimSilence(samples: Float32Array): Float32Array {
  const threshold = 0.02;
  let start = 0;
  let end = samples.length;
  while (start < end && Math.abs(samples[start]!) < threshold) start += 1;
  while (end > start && Math.abs(samples[end - 1]!) < threshold) end -= 1;
  return samples.subarray(start, end);
}

function rms(samples: Float32Array): number {
  let sum = 0;
  for (const s of samples) sum += s * s;
  return Math.sqrt(sum / Math.max(1, samples.length));
}

/** Trimmed, at RMS `level`. */
function decodeSpeech(bytes: Uint8Array, level: number): Float32Array {
  const speech = decodeWav(bytes);
  if (speech.sampleRate !== SAMPLE_RATE) throw new Error('captcha audio: unexpected sample rate');
  const trimmed = trimSilence(speech.samples);
  const scale = level / (rms(trimmed) || 1);
  return trimmed.map((s) => s * scale);
}

function addAt(track: Float32Array, part: Float32Array, at: number): void {
  for (let i = Math.max(0, -at); i < part.length && at + i < track.length; i += 1) track[at + i] = track[at + i]! + part[i]!;
}

/** Played `rate` times faster (lower is deeper and slower), by linear interpolation. */
function resample(samples: Float32Array, rate: number): Float32Array {
  const out = new Float32Array(Math.floor((samples.length - 1) / rate));
  for (let i = 0; i < out.length; i += 1) {
    const x = i * rate;
    const j = Math.floor(x);
    out[i] = samples[j]! + (samples[j + 1]! - samples[j]!) * (x - j);
  }
  return out;
}

/**
 * The answer, one character after another with pauses too short to cut at (some overlap a little),
 * so the gaps between characters are no quieter than the pauses inside a phrase.
 */
function layOut(parts: Float32Array[], random: Random): Float32Array {
  const gaps = [seconds(random, 0.3, 0.6), ...parts.slice(1).map(() => seconds(random, -0.06, 0.16)), seconds(random, 0.3, 0.5)];
  const length = parts.reduce((sum, part) => sum + part.length, 0) + gaps.reduce((sum, gap) => sum + gap, 0);
  const out = new Float32Array(length);
  let at = gaps[0]!;
  parts.forEach((part, i) => {
    addAt(out, part, at);
    at += part.length + gaps[i + 1]!;
  });
  return out;
}

/**
 * Other spoken letters murmured across the whole clip by two voices (the second a deeper, slower
 * copy, out of step with the first; each looped if short): no quiet stretch is left to cut at.
 */
function babble(letters: Float32Array, length: number, level: number, random: Random): Float32Array {
  const out = new Float32Array(length);
  for (const voice of [letters, resample(letters, between(random, 0.75, 0.88))]) {
    for (let at = -seconds(random, 0, 1.5); at < length; at += voice.length + seconds(random, 0, 0.1)) addAt(out, voice, at);
  }
  const scale = level / (rms(out) || 1);
  return out.map((s) => s * scale);
}

/**
 * Room noise whose colour and level wander: a one-pole low-pass whose smoothing drifts between
 * hiss and rumble, a slow swell, and a hum that bends in pitch.
 */
function noise(length: number, level: number, random: Random): Float32Array {
  const out = new Float32Array(length);
  const humLevel = level * between(random, 0.4, 0.8);
  const humFrequency = between(random, 90, 240);
  const humDrift = between(random, 0.2, 0.8);
  const colourRate = between(random, 0.1, 0.4);
  const swellRate = between(random, 0.15, 0.5);
  const phase = between(random, 0, 2 * Math.PI);
  let low = 0;
  for (let i = 0; i < length; i += 1) {
    const t = i / SAMPLE_RATE;
    const smoothing = 0.55 + 0.35 * Math.sin(2 * Math.PI * colourRate * t + phase);
    // The factor restores the level the filter takes away, so colour and level vary apart.
    const gain = Math.sqrt((1 + smoothing) / (1 - smoothing));
    low = smoothing * low + (1 - smoothing) * (random() * 2 - 1) * Math.sqrt(3);
    const swell = 1 + 0.5 * Math.sin(2 * Math.PI * swellRate * t + 2 * phase);
    const hum = Math.sin(2 * Math.PI * humFrequency * t + humDrift * Math.sin(2 * Math.PI * 0.5 * t));
    out[i] = low * gain * level * swell + hum * humLevel;
  }
  return out;
}

export interface CaptchaAudioOptions {
  /** Every random choice comes from here, so a seeded source repeats a clip exactly. @default Math.random */
  random?: Random;
  /** A key of `SPOKEN_LANGUAGES`. @default 'en' */
  language?: string;
  /** Synthesis. @default the process's shared speech pool */
  speak?: (utterances: Utterance[]) => Promise<Uint8Array[]>;
}

/** The answer spoken, and everything under it, as separate tracks of the same length. */
export interface CaptchaTracks {
  sampleRate: number;
  speech: Float32Array;
  background: Float32Array;
}

/**
 * The captcha answer spoken one character at a time (the language's letter name with a spelling
 * word in one of several phrasings, digits as numbers), each in its own voice, pitch and speed,
 * running into one another over a babble of other letters and wandering noise.
 * Deterministic for a given `random` sequence.
 */
export async function renderCaptchaTracks(text: string, options: CaptchaAudioOptions = {}): Promise<CaptchaTracks> {
  const { random = Math.random, language: code = DEFAULT_SPOKEN_LANGUAGE, speak = speakOnSharedPool } = options;
  if (text.length === 0 || text.length > MAX_CHARACTERS) throw new Error('captcha audio: text length out of range');
  const language = SPOKEN_LANGUAGES[code];
  if (!language) throw new Error('captcha audio: unsupported language');
  // Settings are drawn before the mix, in order, so an injected `random` repeats exactly.
  // Two of the language's voices per clip (each loaded voice costs the engine ~10 ms), one per character.
  const voices = [pick(random, language.voices), pick(random, language.voices)];
  const spoken = [...text].map((ch) => utteranceFor(phraseFor(ch, language, random), voices, VARIANTS, random));
  const letters = Array.from({ length: text.length * BABBLE_PER_CHARACTER }, () => pick(random, BABBLE_CHARACTERS));
  const murmured = { ...utteranceFor(`${letters.join(', ')}.`, voices, BABBLE_VARIANTS, random), speed: Math.round(between(random, 170, 200)) };
  const clips = await speak([...spoken, murmured]);
  // Each character a little louder or softer than the last (±2 dB), at an RMS of 1 on average.
  const speechParts = clips.slice(0, spoken.length).map((clip) => decodeSpeech(clip, between(random, 0.8, 1.25)));
  const speech = layOut(speechParts, random);
  const background = babble(decodeSpeech(clips[spoken.length]!, 1), speech.length, between(random, ...BABBLE_LEVEL), random);
  const room = noise(speech.length, between(random, ...NOISE_LEVEL), random);
  for (let i = 0; i < background.length; i += 1) background[i] = background[i]! + room[i]!;
  return { sampleRate: SAMPLE_RATE, speech, background };
}

/**
 * The captcha spoken (see `renderCaptchaTracks`) as a complete 16-bit mono PCM WAV file at
 * 22.05 kHz. Made in memory each time: nothing is written to disk or cached.
 */
export async function renderCaptchaAudio(text: string, options: CaptchaAudioOptions = {}): Promise<Buffer> {
  const { sampleRate, speech, background } = await renderCaptchaTracks(text, options);
  return encodeWav({ sampleRate, samples: speech.map((s, i) => s + background[i]!) });
}
