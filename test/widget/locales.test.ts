import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../widget/languages.js';
import { EN_ON_DEMAND } from '../../widget/on-demand-strings.js';
import { en, type Messages } from '../../widget/strings.js';

/** Every language's table against English's: the same keys, the same placeholders, real plural forms. */
const ENGLISH = { ...en, ...EN_ON_DEMAND } as Messages;
const DIR = new URL('../../widget/locales/', import.meta.url);
const FILES = readdirSync(DIR)
  .filter((file) => file.endsWith('.ts'))
  .map((file) => file.slice(0, -'.ts'.length));
const TABLES = Object.fromEntries(await Promise.all(FILES.map(async (lang) => [lang, ((await import(`../../widget/locales/${lang}.ts`)) as { default: Messages }).default] as const)));

type Leaf = string | Record<string, string> | [string, string][];
const isPlural = (value: unknown): value is Record<string, string> => typeof value === 'object' && value !== null && !Array.isArray(value) && 'other' in value;

/** Key path → value, a plural object or a `[label, text]` list being one value. */
function leaves(node: object, prefix = '', out = new Map<string, Leaf>()): Map<string, Leaf> {
  for (const [key, value] of Object.entries(node)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string' || Array.isArray(value) || isPlural(value)) out.set(path, value as Leaf);
    else leaves(value as object, path, out);
  }
  return out;
}

const placeholders = (text: string) => new Set([...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]));
const sorted = (set: Set<string | undefined>) => [...set].sort();

/** Plural categories that select exactly one integer in 0…1000: a form for it may leave `{count}` out. */
function singleNumberCategories(lang: string): Set<string> {
  const rules = new Intl.PluralRules(lang);
  const counts = new Map<string, number>();
  for (let n = 0; n <= 1000; n++) counts.set(rules.select(n), (counts.get(rules.select(n)) ?? 0) + 1);
  return new Set([...counts].filter(([, count]) => count === 1).map(([category]) => category));
}

const english = leaves(ENGLISH);

describe('the language files (widget/locales/)', () => {
  it('are exactly the languages the widget offers, English aside', () => {
    expect(FILES.sort()).toEqual(LANGUAGES.filter((lang) => lang !== 'en').sort());
  });

  describe.each(FILES)('%s', (lang) => {
    const table = leaves(TABLES[lang]!);
    const categories = new Intl.PluralRules(lang).resolvedOptions().pluralCategories as string[];
    const single = singleNumberCategories(lang);

    it('has every key of English and no other', () => {
      expect([...table.keys()].sort()).toEqual([...english.keys()].sort());
    });

    it('fills every text, with the placeholders English has', () => {
      for (const [path, source] of english) {
        const value = table.get(path)!;
        if (typeof source === 'string') {
          expect(typeof value, `${lang} ${path}`).toBe('string');
          expect((value as string).trim(), `${lang} ${path} is empty`).not.toBe('');
          expect(value, `${lang} ${path} has spaces around it`).toBe((value as string).trim());
          expect(sorted(placeholders(value as string)), `${lang} ${path} placeholders`).toEqual(sorted(placeholders(source)));
          // A long sentence left as in English is a forgotten translation.
          if (source.length > 25) expect(value, `${lang} ${path} is still English`).not.toBe(source);
        } else if (Array.isArray(source)) {
          const list = value as [string, string][];
          expect(list, `${lang} ${path}`).toHaveLength(source.length);
          for (const pair of list) expect(pair.map((text) => text.trim() !== '' && text === text.trim()), `${lang} ${path} ${pair.join(' / ')}`).toEqual([true, true]);
        } else {
          const forms = value as Record<string, string>;
          expect(Object.keys(forms).sort(), `${lang} ${path} plural categories`).toEqual([...categories].sort());
          const wanted = placeholders(source.other!);
          for (const [category, text] of Object.entries(forms)) {
            expect(text.trim(), `${lang} ${path}.${category} is empty`).not.toBe('');
            const found = placeholders(text);
            const missing = [...wanted].filter((name) => !found.has(name));
            const allowed = single.has(category) ? ['count'] : [];
            expect(missing.filter((name) => !allowed.includes(name!)), `${lang} ${path}.${category} lacks placeholders`).toEqual([]);
            expect([...found].filter((name) => !wanted.has(name)), `${lang} ${path}.${category} has unknown placeholders`).toEqual([]);
          }
        }
      }
    });
  });
});
