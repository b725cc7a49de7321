import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { normalizeImage, type OutputFormat } from '../../../api/generation/normalize.js';
import { CANARY } from '../providers/fakes/upstream.js';
import { jpegMarkers, jpegWithPromptMetadata, pngChunkTypes, pngWithPromptChunks } from '../providers/fixtures/images.js';

const APP1 = 0xe1;
const APP11 = 0xeb;
const COM = 0xfe;

describe('fixtures carry the prompt (so the stripping tests mean something)', () => {
  it('PNG has tEXt, eXIf and caBX chunks quoting the prompt', async () => {
    const png = await pngWithPromptChunks(CANARY);
    expect(pngChunkTypes(png)).toEqual(expect.arrayContaining(['tEXt', 'eXIf', 'caBX']));
    expect(png.includes(CANARY)).toBe(true);
  });

  it('JPEG has EXIF, APP11 and COM segments quoting the prompt', async () => {
    const jpeg = await jpegWithPromptMetadata(CANARY);
    expect(jpegMarkers(jpeg)).toEqual(expect.arrayContaining([APP1, APP11, COM]));
    expect(jpeg.includes(CANARY)).toBe(true);
    expect((await sharp(jpeg).metadata()).exif).toBeDefined();
  });
});

describe('normalizeImage strips every prompt carrier', () => {
  const cases: [string, () => Promise<Buffer>][] = [
    ['PNG with tEXt/eXIf/caBX', () => pngWithPromptChunks(CANARY, { width: 128, height: 128 })],
    ['JPEG with EXIF UserComment/APP11/COM', () => jpegWithPromptMetadata(CANARY, { width: 128, height: 128 })],
  ];
  const formats: OutputFormat[] = ['webp', 'png'];

  for (const [label, make] of cases) {
    for (const format of formats) {
      it(`${label} → ${format}`, async () => {
        const out = await normalizeImage(await make(), { width: 64, height: 64, format });
        const bytes = Buffer.from(out.bytes);
        for (const needle of [CANARY, 'violet lighthouse', 'c2pa', 'jumb', 'parameters', 'UserComment']) {
          expect(bytes.includes(needle), needle).toBe(false);
        }
        const meta = await sharp(bytes).metadata();
        expect(meta.exif).toBeUndefined();
        expect(meta.xmp).toBeUndefined();
        expect(meta.comments ?? []).toEqual([]);
        expect([meta.width, meta.height]).toEqual([64, 64]);
        if (format === 'png') {
          // Pixel density and colour chunks carry no text; everything else must be gone.
          const harmless = ['IHDR', 'PLTE', 'IDAT', 'IEND', 'tRNS', 'pHYs', 'gAMA', 'sRGB'];
          expect(pngChunkTypes(bytes).filter((t) => !harmless.includes(t))).toEqual([]);
        } else {
          expect(bytes.toString('latin1', 8, 12)).toBe('WEBP');
          expect(bytes.includes('EXIF')).toBe(false);
          expect(bytes.includes('XMP ')).toBe(false);
        }
      });
    }
  }
});
