import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { createOfflineProvider } from '../../api/providers/offline.js';

const provider = createOfflineProvider();
const run = (prompt: string, seed = 1, width = 1024, height = 1024) =>
  provider.generate({ prompt, seed, width, height, signal: new AbortController().signal });

describe('offline preview provider', () => {
  it('is a preview, never presented as AI', () => {
    expect(provider).toMatchObject({ name: 'offline', preview: true });
  });

  it('gives the same bytes for the same inputs', async () => {
    const [a, b] = await Promise.all([run('a red fox in snow', 3), run('a red fox in snow', 3)]);
    expect(Buffer.compare(Buffer.from(a.bytes), Buffer.from(b.bytes))).toBe(0);
    expect(a.seed).toBe(3);
  });

  it('gives visibly different pictures for different prompts and seeds', async () => {
    const pixels = async (prompt: string, seed: number) =>
      sharp((await run(prompt, seed)).bytes).resize(32, 32).raw().toBuffer();
    const base = await pixels('a red fox in snow', 1);
    const meanDifference = (other: Buffer) => other.reduce((sum, value, i) => sum + Math.abs(value - base[i]!), 0) / base.length;
    expect(meanDifference(await pixels('a city at night', 1))).toBeGreaterThan(10);
    expect(meanDifference(await pixels('a red fox in snow', 2))).toBeGreaterThan(10);
  });

  it('renders WebP at the requested size', async () => {
    const image = await run('wide', 1, 1280, 720);
    expect(image.mimeType).toBe('image/webp');
    const meta = await sharp(image.bytes).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['webp', 1280, 720]);
  });

  it('does nothing once aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(provider.generate({ prompt: 'a', seed: 1, width: 64, height: 64, signal: controller.signal })).rejects.toThrow();
  });
});
