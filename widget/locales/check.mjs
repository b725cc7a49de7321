// Validates the locale files in this folder against en.json.
// Run: node check.mjs   (exit code 1 when anything fails; warnings do not fail)
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const CLDR = new Set(['zero', 'one', 'two', 'few', 'many', 'other']);
const RTL = new Set(['ar', 'he']);
const EXPECTED = ['en', 'de', 'fr', 'es', 'it', 'pt-BR', 'nl', 'pl', 'tr', 'ja', 'ar', 'he'];
/** Smallest count a plural key is ever called with (default 0): `evicted` only runs when something was evicted. */
const MIN_COUNT = { evicted: 1 };
/** Short controls (buttons, chips, segment labels): warn when much longer than English. */
const SHORT = [
  'generate', 'cancel', 'download', 'copy', 'retry', 'clearAll', 'confirmClear', 'keep', 'remove', 'listen', 'reload',
  'moreOptions', 'reuse', 'previewBadge',
  'ratios.1:1', 'ratios.3:2', 'ratios.2:3', 'ratios.16:9', 'ratios.9:16',
  '_upcoming.history.download', '_upcoming.history.copy', '_upcoming.history.reuse', '_upcoming.history.delete',
  '_upcoming.history.undo', '_upcoming.history.close', '_upcoming.listen.stop', '_upcoming.listen.playing',
  '_upcoming.styles.none', '_upcoming.styles.photo.label', '_upcoming.styles.illustration.label',
  '_upcoming.styles.watercolour.label', '_upcoming.styles.render3d.label', '_upcoming.styles.pixelArt.label',
];

const load = (file) => JSON.parse(readFileSync(join(here, file), 'utf8'));
const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
const isPlural = (v) => isObject(v) && 'other' in v && Object.keys(v).every((k) => CLDR.has(k));
const placeholders = (s) => new Set([...s.matchAll(/\{([A-Za-z][A-Za-z0-9]*)\}/g)].map((m) => m[1]));
const same = (a, b) => a.size === b.size && [...a].every((x) => b.has(x));
const show = (set) => `{${[...set].sort().join(', ')}}`;

/** Category → how many integers in [min, 1000] it selects (1 means the form names its number by itself). */
function categorySizes(lang, min) {
  const rules = new Intl.PluralRules(lang);
  const sizes = {};
  for (let n = min; n <= 1000; n++) sizes[rules.select(n)] = (sizes[rules.select(n)] ?? 0) + 1;
  return sizes;
}

/** Flattens to path → string | {plural forms}. */
function flatten(node, prefix = '', out = new Map()) {
  for (const [key, value] of Object.entries(node)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string' || isPlural(value)) out.set(path, value);
    else if (isObject(value)) flatten(value, path, out);
    else out.set(path, value); // wrong type: reported below
  }
  return out;
}

const en = load('en.json');
const enFlat = flatten(en);
const files = readdirSync(here).filter((f) => f.endsWith('.json')).sort();
const langs = files.map((f) => f.replace(/\.json$/, ''));
let failures = 0;
const fail = (lang, msg) => (failures++, console.log(`  FAIL ${lang}: ${msg}`));
const warn = (lang, msg) => console.log(`  warn ${lang}: ${msg}`);

for (const lang of EXPECTED) if (!langs.includes(lang)) fail(lang, 'file missing');

for (const file of files) {
  const lang = file.replace(/\.json$/, '');
  console.log(`${file}`);
  let data;
  try {
    data = load(file);
  } catch (error) {
    fail(lang, `not valid JSON: ${error.message}`);
    continue;
  }
  const flat = flatten(data);
  const categories = new Set(new Intl.PluralRules(lang).resolvedOptions().pluralCategories);
  for (const path of enFlat.keys()) if (!flat.has(path)) fail(lang, `missing ${path}`);
  for (const path of flat.keys()) if (!enFlat.has(path)) fail(lang, `extra ${path}`);

  // _meta
  if (data._meta?.name?.trim() === '' || typeof data._meta?.name !== 'string') fail(lang, '_meta.name empty');
  const dir = RTL.has(lang.split('-')[0]) ? 'rtl' : 'ltr';
  if (data._meta?.dir !== dir) fail(lang, `_meta.dir should be ${dir}`);

  let strings = 0;
  for (const [path, enValue] of enFlat) {
    const value = flat.get(path);
    if (value === undefined) continue;
    const texts = [];
    if (isPlural(enValue)) {
      if (!isPlural(value)) {
        fail(lang, `${path} should be a plural object`);
        continue;
      }
      const keys = new Set(Object.keys(value));
      if (!same(keys, categories)) fail(lang, `${path} plural categories ${show(keys)}, ${lang} needs ${show(categories)}`);
      const required = new Set(Object.values(enValue).flatMap((s) => [...placeholders(s)]));
      const sizes = categorySizes(lang, MIN_COUNT[path] ?? 0);
      for (const [category, text] of Object.entries(value)) {
        if (typeof text !== 'string') {
          fail(lang, `${path}.${category} is not a string`);
          continue;
        }
        texts.push([`${path}.${category}`, text]);
        const found = placeholders(text);
        // A form that stands for exactly one number may say it in words ("the oldest image", "حرفان").
        const expected = new Set(required);
        if (sizes[category] === 1 && !found.has('count')) expected.delete('count');
        if (!same(found, expected)) fail(lang, `${path}.${category} placeholders ${show(found)}, expected ${show(expected)}`);
      }
    } else {
      if (typeof value !== 'string') {
        fail(lang, `${path} should be a string`);
        continue;
      }
      texts.push([path, value]);
      const found = placeholders(value);
      const expected = placeholders(enValue);
      if (!same(found, expected)) fail(lang, `${path} placeholders ${show(found)}, expected ${show(expected)}`);
    }
    for (const [where, text] of texts) {
      strings++;
      if (text.trim() === '') fail(lang, `${where} is empty`);
      if (text !== text.trim()) fail(lang, `${where} has leading or trailing white space`);
      if (/[{}]/.test(text.replace(/\{[A-Za-z][A-Za-z0-9]*\}/g, ''))) fail(lang, `${where} has a stray brace`);
      if (lang !== 'en' && /["']/.test(text)) fail(lang, `${where} uses a straight quote or apostrophe (use typographic ones)`);
      if (lang === 'fr' && /[^\u00a0\u202f][:;?!]/.test(text)) fail(lang, `${where}: French needs a no-break space before : ; ? !`);
      if (lang === 'fr' && /«[^\u00a0\u202f]|[^\u00a0\u202f]»/.test(text)) fail(lang, `${where}: French guillemets need no-break spaces inside`);
      if (lang === 'ja' && /[.,?!:;()]/.test(text.replace(/\d[.,:]\d/g, ''))) fail(lang, `${where}: Japanese text should use full-width punctuation`);
      if (lang === 'es' && text.includes('?') && !text.includes('¿')) fail(lang, `${where}: Spanish question without ¿`);
      if (lang === 'es' && text.includes('!') && !text.includes('¡')) fail(lang, `${where}: Spanish exclamation without ¡`);
      if (lang === 'ar' && /[,;?]/.test(text)) fail(lang, `${where}: Arabic uses ، ؛ ؟`);
    }
  }
  console.log(`  ${flat.size} keys, ${strings} strings`);

  if (lang !== 'en') {
    const long = [];
    for (const path of SHORT) {
      const a = enFlat.get(path);
      const b = flat.get(path);
      if (typeof a === 'string' && typeof b === 'string' && b.length > Math.ceil(a.length * 1.3) && b.length - a.length > 2) long.push(`${path} ${a.length}→${b.length}`);
    }
    const chips = (f) => Object.keys(en.ratios).reduce((sum, r) => sum + r.length + 1 + (f.get(`ratios.${r}`)?.length ?? 0), 0);
    const ratio = chips(flat) / chips(enFlat);
    if (long.length) warn(lang, `short labels over 1.3× English: ${long.join(', ')}`);
    if (ratio > 1.2) warn(lang, `aspect chips take ${ratio.toFixed(2)}× the English text`);
  }
}

console.log(failures === 0 ? `\nAll ${files.length} files pass.` : `\n${failures} failure(s).`);
process.exit(failures === 0 ? 0 : 1);
