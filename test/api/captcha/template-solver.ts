/**
 * The attack on the spoken captcha that needs no speech recogniser: cut a clip into one stretch
 * per character where the sound is quietest, describe each stretch by its log spectrum over time,
 * and name it after the nearest stretch of a clip whose answer is known (dynamic time warping, so
 * a faster or slower voice still lines up). Trained on clips made with the project's own code.
 */
import { decodeWav } from '../../../api/captcha/wav.js';

const FRAME = 512;
const HOP = 441; // 20 ms at 22.05 kHz
const BANDS = 20;

type Features = Float32Array[];

interface Template {
  character: string;
  features: Features;
}

/** In-place iterative radix-2 FFT. */
function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i += 1) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j]!, re[i]!];
      [im[i], im[j]] = [im[j]!, im[i]!];
    }
  }
  for (let size = 2; size <= n; size <<= 1) {
    const step = (-2 * Math.PI) / size;
    for (let start = 0; start < n; start += size) {
      for (let k = 0; k < size / 2; k += 1) {
        const wr = Math.cos(step * k);
        const wi = Math.sin(step * k);
        const a = start + k;
        const b = a + size / 2;
        const tr = re[b]! * wr - im[b]! * wi;
        const ti = re[b]! * wi + im[b]! * wr;
        re[b] = re[a]! - tr;
        im[b] = im[a]! - ti;
        re[a] = re[a]! + tr;
        im[a] = im[a]! + ti;
      }
    }
  }
}

/** Mel-spaced band edges (FFT bin indices) from 150 Hz to 6 kHz. */
function bandEdges(sampleRate: number): number[] {
  const mel = (f: number) => 2595 * Math.log10(1 + f / 700);
  const hz = (m: number) => 700 * (10 ** (m / 2595) - 1);
  const edges: number[] = [];
  for (let b = 0; b <= BANDS; b += 1) {
    const f = hz(mel(150) + ((mel(6000) - mel(150)) * b) / BANDS);
    edges.push(Math.max(1, Math.round((f * FRAME) / sampleRate)));
  }
  return edges;
}

/** Log band energies per 20 ms frame, and each frame's total log energy. */
export function spectrogram(samples: Float32Array, sampleRate: number): { frames: Features; energy: Float64Array } {
  const edges = bandEdges(sampleRate);
  const window = Float64Array.from({ length: FRAME }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (FRAME - 1)));
  const count = Math.max(0, Math.floor((samples.length - FRAME) / HOP) + 1);
  const frames: Features = [];
  const energy = new Float64Array(count);
  const re = new Float64Array(FRAME);
  const im = new Float64Array(FRAME);
  for (let f = 0; f < count; f += 1) {
    for (let i = 0; i < FRAME; i += 1) {
      re[i] = samples[f * HOP + i]! * window[i]!;
      im[i] = 0;
    }
    fft(re, im);
    const bands = new Float32Array(BANDS);
    let total = 0;
    for (let b = 0; b < BANDS; b += 1) {
      let sum = 0;
      for (let k = edges[b]!; k < Math.max(edges[b]! + 1, edges[b + 1]!); k += 1) sum += re[k]! ** 2 + im[k]! ** 2;
      bands[b] = Math.log(sum + 1e-9);
      total += sum;
    }
    frames.push(bands);
    energy[f] = Math.log(total + 1e-9);
  }
  return { frames, energy };
}

/**
 * Cuts at the `count - 1` longest quiet runs inside the speech, quiet meaning below the midpoint
 * of the clip's quiet and loud levels (smoothed over 100 ms, so a stop consonant is no cut).
 */
export function segment(energy: Float64Array, count: number): Array<[number, number]> {
  const smooth = Float64Array.from(energy, (_, i) => {
    let sum = 0;
    let n = 0;
    for (let j = Math.max(0, i - 2); j <= Math.min(energy.length - 1, i + 2); j += 1, n += 1) sum += energy[j]!;
    return sum / n;
  });
  const sorted = [...smooth].sort((a, b) => a - b);
  const threshold = (sorted[Math.floor(sorted.length * 0.1)]! + sorted[Math.floor(sorted.length * 0.9)]!) / 2;
  const loud = Array.from(smooth, (e) => e > threshold);
  const first = loud.indexOf(true);
  const last = loud.lastIndexOf(true);
  if (first < 0) return [];
  const quietRuns: Array<[number, number]> = [];
  for (let i = first; i <= last; i += 1) {
    if (loud[i]) continue;
    const start = i;
    while (i <= last && !loud[i]) i += 1;
    quietRuns.push([start, i]);
  }
  const cuts = quietRuns
    .sort((a, b) => b[1] - b[0] - (a[1] - a[0]))
    .slice(0, count - 1)
    .sort((a, b) => a[0] - b[0]);
  const segments: Array<[number, number]> = [];
  let from = first;
  for (const [start, end] of cuts) {
    segments.push([from, start]);
    from = end;
  }
  segments.push([from, last + 1]);
  return segments;
}

/** Each band minus its mean over the stretch: the voice's level and colour cancel out. */
function normalise(frames: Features): Features {
  const mean = new Float32Array(BANDS);
  for (const frame of frames) for (let b = 0; b < BANDS; b += 1) mean[b]! += frame[b]! / frames.length;
  return frames.map((frame) => frame.map((v, b) => v - mean[b]!));
}

function dtw(a: Features, b: Features): number {
  const m = b.length;
  let previous = new Float64Array(m + 1).fill(Infinity);
  let current = new Float64Array(m + 1);
  previous[0] = 0;
  for (let i = 1; i <= a.length; i += 1) {
    current.fill(Infinity);
    const x = a[i - 1]!;
    for (let j = 1; j <= m; j += 1) {
      const y = b[j - 1]!;
      let d = 0;
      for (let k = 0; k < BANDS; k += 1) d += (x[k]! - y[k]!) ** 2;
      current[j] = Math.sqrt(d) + Math.min(previous[j]!, current[j - 1]!, previous[j - 1]!);
    }
    [previous, current] = [current, previous];
  }
  return previous[m]! / (a.length + m);
}

/** The clip cut into `count` stretches, each described by its normalised log spectra. */
function characterFeatures(wav: Buffer, count: number): Features[] {
  const { samples, sampleRate } = decodeWav(wav);
  const { frames, energy } = spectrogram(samples, sampleRate);
  return segment(energy, count).map(([start, end]) => normalise(frames.slice(start, Math.max(end, start + 1))));
}

export class TemplateSolver {
  readonly #templates: Template[] = [];

  /** Learns from a clip whose answer is known. */
  train(wav: Buffer, answer: string): void {
    const stretches = characterFeatures(wav, answer.length);
    if (stretches.length !== answer.length) return;
    stretches.forEach((features, i) => this.#templates.push({ character: answer[i]!, features }));
  }

  /** The solver's reading of a clip of `length` characters. */
  solve(wav: Buffer, length: number): string {
    return characterFeatures(wav, length)
      .map((features) => {
        let best = { character: '?', distance: Infinity };
        for (const template of this.#templates) {
          const distance = dtw(features, template.features);
          if (distance < best.distance) best = { character: template.character, distance };
        }
        return best.character;
      })
      .join('');
  }
}
