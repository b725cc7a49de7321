import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { seededRandom } from '../lib/seeded-random.js';
import type { GenerateInput, GeneratedImage, ImageProvider } from './types.js';

/**
 * The preview provider: no network, no keys. It paints a deterministic landscape from a hash of
 * prompt, negative prompt and seed, so the whole product runs on a fresh machine. The picture
 * carries a PREVIEW badge and the API reports `preview: true`: it is never presented as AI.
 */
export function createOfflineProvider(): ImageProvider {
  return {
    name: 'offline',
    preview: true,
    async generate(input: GenerateInput): Promise<GeneratedImage> {
      input.signal.throwIfAborted();
      const svg = paintScene(input);
      const bytes = await sharp(Buffer.from(svg)).webp({ quality: 82 }).toBuffer();
      return { bytes, mimeType: 'image/webp', seed: input.seed };
    },
  };
}

function paintScene({ prompt, negativePrompt = '', seed, width, height }: GenerateInput): string {
  const random = randomFrom(`${seed}\u0000${prompt}\u0000${negativePrompt}`);
  const hue = Math.floor(random() * 360);
  const sky = [hsl(hue, 70, 78), hsl(hue + 40 + random() * 60, 65, 55)];
  const sun = { x: width * (0.15 + random() * 0.7), y: height * (0.15 + random() * 0.3), r: Math.min(width, height) * (0.06 + random() * 0.1) };
  const layers = [0, 1, 2, 3].map((depth) => ridge(random, width, height, depth, hsl(hue + 180 + depth * 12, 35 + depth * 5, 45 - depth * 10)));
  const stars = Array.from({ length: 24 }, () =>
    `<circle cx="${(random() * width).toFixed(1)}" cy="${(random() * height * 0.5).toFixed(1)}" r="${(1 + random() * 3).toFixed(1)}" fill="#fff" opacity="${(0.3 + random() * 0.5).toFixed(2)}"/>`,
  ).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">
<defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${sky[0]}"/><stop offset="1" stop-color="${sky[1]}"/></linearGradient></defs>
<rect width="${width}" height="${height}" fill="url(#sky)"/>${stars}
<circle cx="${sun.x.toFixed(1)}" cy="${sun.y.toFixed(1)}" r="${sun.r.toFixed(1)}" fill="${hsl(hue + 20, 90, 88)}" opacity="0.9"/>
${layers.join('\n')}
${previewBadge(width, height)}
</svg>`;
}

function ridge(random: () => number, width: number, height: number, depth: number, fill: string): string {
  const base = height * (0.5 + depth * 0.12);
  const steps = 8 + depth * 3;
  const points: string[] = [`0,${height}`];
  for (let i = 0; i <= steps; i++) {
    const x = (width * i) / steps;
    const y = base - random() * height * (0.22 - depth * 0.04);
    points.push(`${x.toFixed(1)},${y.toFixed(1)}`);
  }
  points.push(`${width},${height}`);
  return `<polygon points="${points.join(' ')}" fill="${fill}"/>`;
}

// Drawn from rectangles rather than <text>: SVG text needs system fonts a fresh machine may lack.
const GLYPHS: Record<string, string[]> = {
  P: ['111', '101', '111', '100', '100'],
  R: ['111', '101', '110', '101', '101'],
  E: ['111', '100', '110', '100', '111'],
  V: ['101', '101', '101', '101', '010'],
  I: ['111', '010', '010', '010', '111'],
  W: ['10001', '10001', '10101', '10101', '01010'],
};

function previewBadge(width: number, height: number): string {
  const cell = Math.max(3, Math.round(Math.min(width, height) / 160));
  const glyphs = [...'PREVIEW'].map((letter) => GLYPHS[letter]!);
  const columns = glyphs.reduce((sum, rows) => sum + rows[0]!.length + 1, -1);
  const pad = cell * 3;
  const x0 = width - columns * cell - pad * 3;
  const y0 = height - 5 * cell - pad * 3;
  const cells: string[] = [];
  let column = 0;
  for (const rows of glyphs) {
    rows.forEach((row, y) =>
      [...row].forEach((bit, x) => {
        if (bit === '1') cells.push(`<rect x="${x0 + pad + (column + x) * cell}" y="${y0 + pad + y * cell}" width="${cell}" height="${cell}"/>`);
      }),
    );
    column += rows[0]!.length + 1;
  }
  return `<rect x="${x0}" y="${y0}" width="${columns * cell + pad * 2}" height="${5 * cell + pad * 2}" rx="${cell * 2}" fill="#000" opacity="0.55"/><g fill="#fff">${cells.join('')}</g>`;
}

function hsl(hue: number, saturation: number, lightness: number): string {
  return `hsl(${Math.round(hue) % 360},${saturation}%,${lightness}%)`;
}

/** Deterministic randomness seeded from a SHA-256 of the inputs. */
function randomFrom(key: string): () => number {
  return seededRandom(createHash('sha256').update(key).digest().readUInt32LE(0));
}
