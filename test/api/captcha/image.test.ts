import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { renderCaptchaImage } from '../../../api/captcha/image.js';
import { defaultCaptchaMaker } from '../../../api/captcha/maker.js';
import { seededRandom } from '../../../api/lib/seeded-random.js';

describe('renderCaptchaImage', () => {
  it('returns a real WebP of the size it reports', async () => {
    const image = await renderCaptchaImage(defaultCaptchaMaker());
    expect(image.mimeType).toBe('image/webp');
    expect(image.bytes.subarray(0, 4).toString('latin1')).toBe('RIFF');
    expect(image.bytes.subarray(8, 12).toString('latin1')).toBe('WEBP');
    const meta = await sharp(image.bytes).metadata();
    expect(meta.format).toBe('webp');
    expect(meta.width).toBe(image.width);
    expect(meta.height).toBe(image.height);
    expect(image.width).toBeGreaterThanOrEqual(180);
    expect(image.height).toBeGreaterThanOrEqual(60);
  });

  it('never carries the answer or any SVG markup', async () => {
    for (let i = 0; i < 20; i += 1) {
      const challenge = defaultCaptchaMaker();
      const text = (await renderCaptchaImage(challenge)).bytes.toString('latin1').toLowerCase();
      expect(text).not.toContain(challenge.text.toLowerCase());
      for (const marker of ['<path', '<svg', 'xmlns', ' d="']) expect(text).not.toContain(marker);
    }
  });

  it('distorts the same challenge differently on each render', async () => {
    const challenge = defaultCaptchaMaker();
    const first = await renderCaptchaImage(challenge);
    const second = await renderCaptchaImage(challenge);
    expect(first.bytes.equals(second.bytes)).toBe(false);
  });

  it('is deterministic when the random source is injected', async () => {
    const challenge = defaultCaptchaMaker();
    const first = await renderCaptchaImage(challenge, seededRandom(42));
    const second = await renderCaptchaImage(challenge, seededRandom(42));
    const other = await renderCaptchaImage(challenge, seededRandom(43));
    expect(first.bytes.equals(second.bytes)).toBe(true);
    expect(first.bytes.equals(other.bytes)).toBe(false);
  });

  it('does not simply rasterise the SVG: glyphs are moved away from where svg-captcha drew them', async () => {
    // Share of svg-captcha's own ink pixels still inked after rendering, averaged over 20 challenges:
    // ~1 for a plain rasterisation, 0.54-0.65 with the warp alone, 0.42-0.50 with per-glyph distortion
    // (100 batches measured).
    let overlapSum = 0;
    const runs = 20;
    for (let run = 0; run < runs; run += 1) {
      const challenge = defaultCaptchaMaker();
      const image = await renderCaptchaImage(challenge, seededRandom(run));
      const plain = await sharp(Buffer.from(challenge.svg)).flatten({ background: '#fff' }).greyscale().raw().toBuffer();
      const rendered = await sharp(image.bytes).greyscale().raw().toBuffer();
      expect(rendered.length).toBe(plain.length);
      let inkInPlain = 0;
      let stillInked = 0;
      for (let i = 0; i < plain.length; i += 1) {
        if (plain[i]! < 100) {
          inkInPlain += 1;
          if (rendered[i]! < 120) stillInked += 1;
        }
      }
      expect(inkInPlain).toBeGreaterThan(200);
      overlapSum += stillInked / inkInPlain;
    }
    expect(overlapSum / runs).toBeLessThan(0.52);
  });

  it('draws at twice the size for sharp high-density display, and a dark variant with light ink on a dark ground', async () => {
    const challenge = defaultCaptchaMaker();
    const meanGrey = async (bytes: Buffer) => (await sharp(bytes).greyscale().stats()).channels[0]!.mean;
    const light = await renderCaptchaImage(challenge, seededRandom(7), { scale: 2 });
    const dark = await renderCaptchaImage(challenge, seededRandom(7), { scale: 2, theme: 'dark' });
    for (const image of [light, dark]) {
      expect([image.width, image.height]).toEqual([440, 140]);
      expect(await sharp(image.bytes).metadata()).toMatchObject({ width: 440, height: 140 });
    }
    expect(await meanGrey(light.bytes)).toBeGreaterThan(170);
    expect(await meanGrey(dark.bytes)).toBeLessThan(85);
    await expect(renderCaptchaImage(challenge, Math.random, { scale: 10 })).rejects.toThrow(/scale/);
  });

  it('refuses SVG whose path data is not plain drawing commands, or whose size is absurd', async () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="220" height="70"><path fill="#222" d="M0 0 url(x)"/></svg>';
    await expect(renderCaptchaImage({ text: 'ACDEH', svg })).rejects.toThrow(/path data/);
    const huge = '<svg xmlns="http://www.w3.org/2000/svg" width="50000" height="70"><path fill="#222" d="M0 0L9 9Z"/></svg>';
    await expect(renderCaptchaImage({ text: 'ACDEH', svg: huge })).rejects.toThrow(/size/);
  });
});
