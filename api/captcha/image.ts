import sharp from 'sharp';
import type { CaptchaChallenge } from './maker.js';

export interface CaptchaImage {
  bytes: Buffer;
  mimeType: 'image/webp';
  width: number;
  height: number;
}

type Random = () => number;

export interface CaptchaLook {
  /** `dark`: light ink on a dark ground, so the captcha does not glare in a dark page. @default 'light' */
  theme?: 'light' | 'dark';
  /** Raster pixels per SVG unit: 2 stays sharp on high-density screens. @default 1 */
  scale?: number;
}
interface Point {
  x: number;
  y: number;
}
interface ParsedSvg {
  width: number;
  height: number;
  glyphs: string[];
  lines: Point[][];
}

const CHANNELS = 3;
const EXTRA_NOISE_CURVES = 2;
const MAX_ROTATION = 30;
const MAX_SKEW = 20;
const MAX_LEAN = 28;
// The warp and speckle run in JS over every pixel: keep a bad maker from asking for megapixels.
const MAX_SIDE = 1000;
const MAX_SCALE = 3;

const between = (random: Random, min: number, max: number): number => min + random() * (max - min);

// Only path data made of numbers and drawing commands is copied into the SVG we render,
// so nothing svg-captcha (or a future maker) puts in attributes can reach sharp's parser.
const PATH_DATA = /^[MLQCZ0-9.,\s-]+$/;

function parseCaptchaSvg(svg: string): ParsedSvg {
  const size = /<svg[^>]*\swidth="(\d+)"[^>]*\sheight="(\d+)"/.exec(svg);
  if (!size) throw new Error('captcha SVG has no width/height');
  const glyphs: string[] = [];
  const lines: Point[][] = [];
  for (const match of svg.matchAll(/<path\s([^>]*?)\/?>/g)) {
    const attributes = match[1] ?? '';
    const d = /\sd="([^"]*)"|^d="([^"]*)"/.exec(attributes);
    const data = d?.[1] ?? d?.[2] ?? '';
    if (!PATH_DATA.test(data)) throw new Error('unexpected captcha path data');
    if (/fill="none"/.test(attributes)) lines.push(pathPoints(data));
    else glyphs.push(data);
  }
  const width = Number(size[1]);
  const height = Number(size[2]);
  if (width < 1 || height < 1 || width > MAX_SIDE || height > MAX_SIDE) throw new Error('captcha SVG size out of range');
  return { width, height, glyphs, lines };
}

function pathPoints(data: string): Point[] {
  const numbers = (data.match(/-?\d+(?:\.\d+)?/g) ?? []).map(Number);
  const points: Point[] = [];
  for (let i = 0; i + 1 < numbers.length; i += 2) points.push({ x: numbers[i]!, y: numbers[i + 1]! });
  return points;
}

function centre(points: Point[]): Point {
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  return { x: (Math.min(...xs) + Math.max(...xs)) / 2, y: (Math.min(...ys) + Math.max(...ys)) / 2 };
}

/** Ink and ground lightness ranges (percent) per theme: the same contrast either way round. */
const TONES: Record<'light' | 'dark', Tone> = {
  light: { ink: [14, 32], ground: [86, 94] },
  dark: { ink: [72, 88], ground: [11, 18] },
};
interface Tone {
  ink: readonly [number, number];
  ground: readonly [number, number];
}

function inkColour(random: Random, hue: number, tone: Tone): string {
  return `hsl(${Math.round(hue + between(random, -25, 25))} ${Math.round(between(random, 35, 70))}% ${Math.round(between(random, ...tone.ink))}%)`;
}

function distortedGlyph(data: string, random: Random, hue: number, tone: Tone): string {
  const c = centre(pathPoints(data));
  const skew = between(random, -MAX_SKEW, MAX_SKEW);
  // Vertical strokes end up leaning by rotation - skew; capping that keeps letters upright enough to read.
  const rotation = between(random, Math.max(-MAX_ROTATION, skew - MAX_LEAN), Math.min(MAX_ROTATION, skew + MAX_LEAN));
  const transform = [
    `translate(${(c.x + between(random, -3, 3)).toFixed(2)} ${(c.y + between(random, -4, 4)).toFixed(2)})`,
    `rotate(${rotation.toFixed(2)})`,
    `skewX(${skew.toFixed(2)})`,
    `scale(${between(random, 0.8, 1.2).toFixed(3)})`,
    `translate(${(-c.x).toFixed(2)} ${(-c.y).toFixed(2)})`,
  ].join(' ');
  const ink = inkColour(random, hue, tone);
  // The font draws letters as thin outlines; a stroke in the same ink makes them solid enough to read.
  return `<path transform="${transform}" fill="${ink}" stroke="${ink}" stroke-width="1.4" stroke-linejoin="round" d="${data}"/>`;
}

function cubicPoint(p: Point[], t: number): Point {
  const [a, b, c, d] = p as [Point, Point, Point, Point];
  const u = 1 - t;
  return {
    x: u * u * u * a.x + 3 * u * u * t * b.x + 3 * u * t * t * c.x + t * t * t * d.x,
    y: u * u * u * a.y + 3 * u * u * t * b.y + 3 * u * t * t * c.y + t * t * t * d.y,
  };
}

// Noise is a filled outline of a tapering curve, like the glyphs, so no attribute
// (fill vs stroke, colour, thickness) separates it from them.
function ribbon(controls: Point[], random: Random, hue: number, tone: Tone): string {
  const steps = 24;
  const maxHalfWidth = between(random, 0.6, 1.1);
  const left: string[] = [];
  const right: string[] = [];
  for (let i = 0; i <= steps; i += 1) {
    const t = i / steps;
    const p = cubicPoint(controls, t);
    const q = cubicPoint(controls, Math.min(1, t + 0.01));
    const r = cubicPoint(controls, Math.max(0, t - 0.01));
    const length = Math.hypot(q.x - r.x, q.y - r.y) || 1;
    const half = maxHalfWidth * (0.35 + 0.65 * Math.sin(Math.PI * t));
    const nx = (-(q.y - r.y) / length) * half;
    const ny = ((q.x - r.x) / length) * half;
    left.push(`${(p.x + nx).toFixed(2)} ${(p.y + ny).toFixed(2)}`);
    right.unshift(`${(p.x - nx).toFixed(2)} ${(p.y - ny).toFixed(2)}`);
  }
  return `<path fill="${inkColour(random, hue, tone)}" d="M${left.join('L')}L${right.join('L')}Z"/>`;
}

function randomCurve(random: Random, width: number, height: number): Point[] {
  const point = (xMin: number, xMax: number): Point => ({
    x: between(random, xMin, xMax) * width,
    y: between(random, 0.1, 0.9) * height,
  });
  return [point(0, 0.3), point(0.2, 0.6), point(0.4, 0.8), point(0.7, 1)];
}

function composeSvg(parsed: ParsedSvg, random: Random, tone: Tone, scale: number): string {
  const { width, height } = parsed;
  const hue = between(random, 0, 360);
  const background = (lightness: number): string =>
    `hsl(${Math.round(hue + 180 + between(random, -40, 40))} ${Math.round(between(random, 30, 60))}% ${lightness}%)`;
  const shapes = [
    ...parsed.glyphs.map((glyph) => distortedGlyph(glyph, random, hue, tone)),
    ...parsed.lines.filter((line) => line.length === 4).map((line) => ribbon(line, random, hue, tone)),
    ...Array.from({ length: EXTRA_NOISE_CURVES }, () => ribbon(randomCurve(random, width, height), random, hue, tone)),
  ];
  // Paint order is shuffled so the position of a shape in the document says nothing either.
  for (let i = shapes.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [shapes[i], shapes[j]] = [shapes[j]!, shapes[i]!];
  }
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width * scale}" height="${height * scale}" viewBox="0 0 ${width} ${height}">` +
    `<defs><linearGradient id="bg" x1="0" y1="0" x2="1" y2="${between(random, 0, 1).toFixed(2)}">` +
    `<stop offset="0" stop-color="${background(Math.round(between(random, ...tone.ground)))}"/>` +
    `<stop offset="1" stop-color="${background(Math.round(between(random, ...tone.ground)))}"/></linearGradient></defs>` +
    `<rect width="${width}" height="${height}" fill="url(#bg)"/>${shapes.join('')}</svg>`
  );
}

/** Bilinear sample of one channel at a fractional position, clamped to the edges. */
function sample(pixels: Buffer, width: number, height: number, x: number, y: number, channel: number): number {
  const cx = Math.min(width - 1, Math.max(0, x));
  const cy = Math.min(height - 1, Math.max(0, y));
  const x0 = Math.floor(cx);
  const y0 = Math.floor(cy);
  const x1 = Math.min(width - 1, x0 + 1);
  const y1 = Math.min(height - 1, y0 + 1);
  const fx = cx - x0;
  const fy = cy - y0;
  const at = (px: number, py: number): number => pixels[(py * width + px) * CHANNELS + channel]!;
  const top = at(x0, y0) * (1 - fx) + at(x1, y0) * fx;
  const bottom = at(x0, y1) * (1 - fx) + at(x1, y1) * fx;
  return top * (1 - fy) + bottom * fy;
}

// A sine warp bends every shape, glyph or noise, so a template of the font no longer lines up.
function warp(pixels: Buffer, width: number, height: number, random: Random, scale: number): Buffer {
  const ampX = between(random, 1.5, 3) * scale;
  const ampY = between(random, 1.5, 3) * scale;
  const waveX = between(random, 28, 60) * scale;
  const waveY = between(random, 40, 90) * scale;
  const phaseX = between(random, 0, 2 * Math.PI);
  const phaseY = between(random, 0, 2 * Math.PI);
  const out = Buffer.alloc(pixels.length);
  // Each offset depends on one coordinate only: computed once per row and column, not per pixel.
  const rowShift = Array.from({ length: height }, (_, y) => ampX * Math.sin((2 * Math.PI * y) / waveX + phaseX));
  const columnShift = Array.from({ length: width }, (_, x) => ampY * Math.sin((2 * Math.PI * x) / waveY + phaseY));
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const sx = x + rowShift[y]!;
      const sy = y + columnShift[x]!;
      for (let c = 0; c < CHANNELS; c += 1) {
        out[(y * width + x) * CHANNELS + c] = Math.round(sample(pixels, width, height, sx, sy, c));
      }
    }
  }
  return out;
}

const clampByte = (value: number): number => Math.min(255, Math.max(0, Math.round(value)));

function speckle(pixels: Buffer, width: number, height: number, random: Random): void {
  const count = Math.round(width * height * between(random, 0.015, 0.025));
  for (let i = 0; i < count; i += 1) {
    const offset = (Math.floor(random() * width * height)) * CHANNELS;
    const dark = random() < 0.5;
    const level = dark ? between(random, 30, 110) : between(random, 190, 255);
    for (let c = 0; c < CHANNELS; c += 1) pixels[offset + c] = clampByte(level + between(random, -20, 20));
  }
}

/**
 * Turns svg-captcha's SVG into a distorted raster: each glyph rotated, skewed, scaled and moved,
 * mixed with noise curves drawn like glyphs, then warped and speckled. Deterministic for a given
 * `random` sequence; the raw SVG and the answer never appear in the output.
 */
export async function renderCaptchaImage(
  challenge: CaptchaChallenge,
  random: Random = Math.random,
  { theme = 'light', scale = 1 }: CaptchaLook = {},
): Promise<CaptchaImage> {
  if (!(Number.isInteger(scale) && scale >= 1 && scale <= MAX_SCALE)) throw new RangeError(`captcha scale must be 1 to ${MAX_SCALE}`);
  const parsed = parseCaptchaSvg(challenge.svg);
  const width = parsed.width * scale;
  const height = parsed.height * scale;
  const raw = await sharp(Buffer.from(composeSvg(parsed, random, TONES[theme], scale)))
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (raw.info.width !== width || raw.info.height !== height || raw.info.channels !== CHANNELS) {
    throw new Error('unexpected captcha raster size');
  }
  const pixels = warp(raw.data, width, height, random, scale);
  speckle(pixels, width, height, random);
  const bytes = await sharp(pixels, { raw: { width, height, channels: CHANNELS } })
    .webp({ quality: 80 })
    .toBuffer();
  return { bytes, mimeType: 'image/webp', width, height };
}
