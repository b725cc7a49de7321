// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { HISTORY_IMAGE_BUDGET } from '../../widget/image.js';
import type { Picture } from '../../widget/state.js';
import { History, HISTORY_LIMIT } from '../../widget/history.js';
import { HISTORY_KEY, readTheme, THEME_KEY, writeTheme } from '../../widget/storage.js';
import { fakeQuota } from './harness.js';

afterEach(() => localStorage.clear());

let made = 0;
function picture(prompt: string, image = `data:image/webp;base64,${'A'.repeat(2000)}`): Picture {
  made += 1;
  return { id: `id${made}`, image, prompt, width: 1024, height: 1024, seed: made, preview: false, createdAt: Date.UTC(2026, 0, 1) + made };
}

/** Stands in for the canvas compressor (happy-dom has no canvas): a copy of a known size. */
const compressTo = (length: number) => async () => `data:image/webp;base64,${'C'.repeat(length - 'data:image/webp;base64,'.length)}`;
const prompts = (items: Picture[]) => items.map((item) => item.prompt);

describe('History', () => {
  it('keeps compressed copies newest first under one namespaced key', async () => {
    const history = new History(localStorage, compressTo(500));
    await history.add(picture('old'));
    const { items, evicted, saved } = await history.add(picture('new'));
    expect([prompts(items), evicted, saved]).toEqual([['new', 'old'], 0, true]);
    expect(items.every((item) => item.image.length === 500)).toBe(true);
    expect(prompts(new History(localStorage, compressTo(500)).list())).toEqual(['new', 'old']);
    expect(Object.keys(localStorage)).toEqual([HISTORY_KEY]);
  });

  it(`keeps at most ${HISTORY_LIMIT} pictures`, async () => {
    const history = new History(localStorage, compressTo(100));
    for (let i = 0; i <= HISTORY_LIMIT; i++) await history.add(picture(`p${i}`));
    const items = history.list();
    expect(items).toHaveLength(HISTORY_LIMIT);
    expect(items[0]!.prompt).toBe(`p${HISTORY_LIMIT}`);
    expect(items.at(-1)!.prompt).toBe('p1');
  });

  it('fits 25 pictures of 1024×1024 with long prompts in a 5 MB quota, at the compressed size budget', async () => {
    const restore = fakeQuota(localStorage, () => 5 * 1024 * 1024);
    try {
      const history = new History(localStorage, compressTo(HISTORY_IMAGE_BUDGET));
      for (let i = 0; i < 25; i++) {
        const outcome = await history.add(picture('x'.repeat(1000)));
        expect([outcome.saved, outcome.evicted]).toEqual([true, 0]);
      }
      expect(history.list()).toHaveLength(25);
    } finally {
      restore();
    }
  });

  it('evicts the oldest pictures while the quota is exceeded, and says how many', async () => {
    let quota = Infinity;
    const restore = fakeQuota(localStorage, () => quota);
    try {
      const history = new History(localStorage, compressTo(1000));
      for (const prompt of ['a', 'b', 'c', 'd']) await history.add(picture(prompt));
      quota = localStorage.getItem(HISTORY_KEY)!.length * 0.6;
      const outcome = await history.add(picture('e'));
      expect([prompts(outcome.items), outcome.evicted, outcome.saved]).toEqual([['e', 'd'], 3, true]);
      expect(prompts(history.list())).toEqual(['e', 'd']);
    } finally {
      restore();
    }
  });

  it('keeps the old history when even the new picture alone does not fit', async () => {
    let quota = Infinity;
    const restore = fakeQuota(localStorage, () => quota);
    try {
      const history = new History(localStorage, compressTo(1000));
      await history.add(picture('kept'));
      quota = 500;
      const outcome = await history.add(picture('too big'));
      expect([prompts(outcome.items), outcome.evicted, outcome.saved]).toEqual([['kept'], 0, false]);
      expect(prompts(history.list())).toEqual(['kept']);
    } finally {
      restore();
    }
  });

  it('keeps a small original when compression fails, and skips a large one', async () => {
    const failing = async () => Promise.reject(new Error('no canvas'));
    const history = new History(localStorage, failing, 5000);
    const small = await history.add(picture('small', `data:image/webp;base64,${'S'.repeat(100)}`));
    expect([small.saved, small.items[0]!.image]).toEqual([true, `data:image/webp;base64,${'S'.repeat(100)}`]);
    const large = await history.add(picture('large', `data:image/webp;base64,${'L'.repeat(6000)}`));
    expect([large.saved, prompts(large.items)]).toEqual([false, ['small']]);
  });

  it('works without storage at all (blocked or sandboxed), and never throws', async () => {
    const history = new History(undefined, compressTo(100));
    expect(history.list()).toEqual([]);
    expect(await history.add(picture('nowhere'))).toEqual({ items: [], evicted: 0, saved: false });
    expect(history.remove('x')).toEqual([]);
    expect(history.clear()).toEqual([]);
  });

  it('deletes one picture, or all of them', async () => {
    const history = new History(localStorage, compressTo(100));
    const first = await history.add(picture('first'));
    await history.add(picture('second'));
    expect(prompts(history.remove(first.items[0]!.id))).toEqual(['second']);
    expect(prompts(history.list())).toEqual(['second']);
    expect(history.clear()).toEqual([]);
    expect(localStorage.getItem(HISTORY_KEY)).toBeNull();
  });

  it('ignores what it did not write: broken JSON, other shapes, and images that are not data: image URLs', () => {
    const history = new History(localStorage, compressTo(100));
    localStorage.setItem(HISTORY_KEY, '{broken');
    expect(history.list()).toEqual([]);
    const good = picture('good');
    localStorage.setItem(HISTORY_KEY, JSON.stringify([good, { ...picture('script'), image: 'javascript:alert(1)' }, { id: 'x' }, null, 'text']));
    expect(prompts(history.list())).toEqual(['good']);
  });
});

describe('the theme choice', () => {
  it('is stored under imageka:theme and read back only when it is a known theme', () => {
    expect(readTheme(localStorage)).toBeUndefined();
    writeTheme(localStorage, 'dark');
    expect(localStorage.getItem(THEME_KEY)).toBe('dark');
    expect(readTheme(localStorage)).toBe('dark');
    localStorage.setItem(THEME_KEY, 'purple');
    expect(readTheme(localStorage)).toBeUndefined();
    expect(readTheme(undefined)).toBeUndefined();
  });
});
