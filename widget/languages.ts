import { localize, type Strings } from './i18n.js';
import { en, type Messages } from './strings.js';

/** Every language the widget can show, English first. */
export const LANGUAGES: readonly string[] = ['en', 'de', 'fr', 'es', 'it', 'pt-BR', 'nl', 'pl', 'tr', 'ja', 'ar', 'he'];

/**
 * English as the first load knows it: the on-demand parts' texts join it when they arrive
 * (`completeEnglish`), before anything can show them.
 */
export const ENGLISH: Strings = localize(en as Messages, 'en');

/** Adds the on-demand parts' English texts (on-demand-strings.ts) to ENGLISH, in place. */
export function completeEnglish(more: object): void {
  Object.assign(ENGLISH, localize({ ...en, ...more } as Messages, 'en'));
}
const loading = new Map<string, Promise<Strings>>();
const ready = new Map<string, Strings>([['en', ENGLISH]]);

/**
 * The best language the widget has for tags in order of preference (BCP 47): the same tag, else
 * the same language in another region or script (`pt-PT` → `pt-BR`, `de-CH` → `de`), else the
 * next tag; English when none matches. Malformed tags are skipped.
 */
export function matchLanguage(preferred: readonly string[]): string {
  for (const tag of preferred) {
    let canonical: string | undefined;
    try {
      [canonical] = Intl.getCanonicalLocales(tag.trim());
    } catch {
      continue;
    }
    if (!canonical) continue;
    const lower = canonical.toLowerCase();
    const primary = lower.split('-')[0];
    const match = LANGUAGES.find((lang) => lang.toLowerCase() === lower) ?? LANGUAGES.find((lang) => lang.toLowerCase().split('-')[0] === primary);
    if (match) return match;
  }
  return 'en';
}

/**
 * Which tags the widget should follow: its `lang` attribute; `auto` means the visitor's browser
 * languages; without the attribute, the page's `<html lang>`.
 */
export function preferredLanguages(attribute: string | null, pageLang: string, browser: readonly string[]): readonly string[] {
  const own = attribute?.trim();
  if (own?.toLowerCase() === 'auto') return browser;
  return [own || pageLang || 'en'];
}

/** The strings of a language already on the page, if any (English always is). */
export function stringsReady(lang: string): Strings | undefined {
  return ready.get(lang);
}

/** Fetches a language's file once per page; rejects when it cannot be had (English stays). */
export function loadStrings(lang: string): Promise<Strings> {
  const known = ready.get(lang);
  if (known) return Promise.resolve(known);
  if (!LANGUAGES.includes(lang)) return Promise.reject(new Error(`no strings for ${lang}`));
  let pending = loading.get(lang);
  if (!pending) {
    pending = import('./language-tables.js')
      .then(({ loadTable }) => loadTable(lang))
      .then(
      (strings) => {
        ready.set(lang, strings);
        return strings;
      },
      (error: unknown) => {
        // A later widget (or attribute change) may try again: the network may be back.
        loading.delete(lang);
        throw error;
      },
    );
    loading.set(lang, pending);
  }
  return pending;
}
