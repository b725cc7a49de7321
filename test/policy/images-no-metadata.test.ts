import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { OutputFormat } from '../../api/generation/normalize.js';
import { CANARY } from '../api/providers/fakes/upstream.js';
import { jpegWithPromptMetadata, pngChunkTypes, pngWithPromptChunks } from '../api/providers/fixtures/images.js';
import { generate, issueCaptcha, scriptedProvider, testServer } from '../helpers/server.js';

/** The chunk names of a WebP (RIFF) file, in order. */
function webpChunks(bytes: Buffer): string[] {
  expect(bytes.toString('latin1', 0, 4) + bytes.toString('latin1', 8, 12)).toBe('RIFFWEBP');
  const chunks: string[] = [];
  for (let at = 12; at + 8 <= bytes.length; ) {
    const size = bytes.readUInt32LE(at + 4);
    chunks.push(bytes.toString('latin1', at, at + 4));
    at += 8 + size + (size % 2);
  }
  return chunks;
}

/** Pixels and nothing else: no EXIF, XMP, ICC, IPTC, comments, text or C2PA. */
async function expectBareImage(dataUrl: string, format: OutputFormat): Promise<void> {
  const bytes = Buffer.from(dataUrl.replace(/^data:image\/\w+;base64,/, ''), 'base64');
  const chunks = format === 'png' ? pngChunkTypes(bytes) : webpChunks(bytes);
  // libvips writes a pHYs chunk into every PNG; `density` below shows it holds its default, not the upstream's.
  const allowed = format === 'png' ? ['IHDR', 'PLTE', 'tRNS', 'pHYs', 'IDAT', 'IEND'] : ['VP8 ', 'VP8L', 'VP8X', 'ALPH'];
  expect(chunks.filter((chunk) => !allowed.includes(chunk))).toEqual([]);
  const meta = await sharp(bytes).metadata();
  expect([meta.format, meta.exif, meta.xmp, meta.icc, meta.iptc, meta.comments, meta.density]).toEqual([format, undefined, undefined, undefined, undefined, undefined, undefined]);
  for (const needle of [CANARY, 'violet lighthouse', 'parameters', 'c2pa', 'jumb', 'flux']) expect(bytes.includes(needle), needle).toBe(false);
}

const sources: [string, (size: { width: number; height: number }) => Promise<Buffer>][] = [
  ['a PNG with tEXt, eXIf and C2PA chunks', (size) => pngWithPromptChunks(CANARY, size)],
  ['a JPEG with EXIF, JUMBF and a comment', (size) => jpegWithPromptMetadata(CANARY, size)],
  ['a PNG with an ICC profile and a resolution', (size) => sharp({ create: { ...size, channels: 3, background: '#3a7' } }).withIccProfile('p3').withMetadata({ density: 1234 }).png().toBuffer()],
];

describe('Claim 10: images leave the server without metadata', () => {
  describe.each(sources)('from %s', (_label, make) => {
    it.each(['webp', 'png'] as const)('as %s, in JSON and in the event stream', async (outputFormat) => {
      const provider = scriptedProvider(async (input) => ({ bytes: await make({ width: 256, height: 256 }), mimeType: 'image/png', seed: input.seed }));
      const server = await testServer({ provider, outputFormat });
      const json = await generate(server, (await issueCaptcha(server)).cookie, { prompt: CANARY, captcha: 'ACDEH' });
      expect(json.statusCode).toBe(200);
      await expectBareImage((json.result as { image: string }).image, outputFormat);

      const stream = await generate(server, (await issueCaptcha(server)).cookie, { prompt: CANARY, captcha: 'ACDEH' }, { accept: 'text/event-stream' });
      const result = /event: result\ndata: (.*)\n/.exec(stream.payload);
      expect(result).not.toBeNull();
      await expectBareImage((JSON.parse(result![1]!) as { image: string }).image, outputFormat);
    });
  });

  it('sends the captcha as bare pixels too', async () => {
    const server = await testServer();
    const { response } = await issueCaptcha(server);
    await expectBareImage((response.result as { image: string }).image, 'webp');
  });
});
