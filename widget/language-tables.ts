import { localize, type Strings } from './i18n.js';
import { EN_ON_DEMAND } from './on-demand-strings.js';
import { en, type Messages } from './strings.js';

/**
 * The languages the widget speaks besides English, each in its own file (widget/locales/),
 * fetched the first time a widget on the page needs it. This table of them is itself fetched
 * only then: an English page carries neither. LANGUAGES in languages.ts lists the same tags.
 */
const TABLES: Record<string, () => Promise<{ default: Messages | unknown[] }>> = {
  de: () => import('./locales/de.js'),
  fr: () => import('./locales/fr.js'),
  es: () => import('./locales/es.js'),
  it: () => import('./locales/it.js'),
  'pt-BR': () => import('./locales/pt-BR.js'),
  nl: () => import('./locales/nl.js'),
  pl: () => import('./locales/pl.js'),
  tr: () => import('./locales/tr.js'),
  ja: () => import('./locales/ja.js'),
  ar: () => import('./locales/ar.js'),
  he: () => import('./locales/he.js'),
};

const RIGHT_TO_LEFT = ['ar', 'he'];

/** A language's texts, fetched from the widget's origin; rejects when that fails. */
export async function loadTable(lang: string): Promise<Strings> {
  const load = TABLES[lang];
  if (!load) throw new Error(`no strings for ${lang}`);
  const { default: table } = await load();
  return localize(Array.isArray(table) ? fromValues(table) : table, lang, RIGHT_TO_LEFT.includes(lang) ? 'rtl' : 'ltr');
}

/**
 * A built language file holds its values alone (rollup-plugins.js, localeValues): they go back
 * under the English keys (both tables), sorted, depth first; a plural object or a list is one value.
 */
function fromValues(values: unknown[]): Messages {
  let next = 0;
  const rebuild = (node: object): object =>
    Object.fromEntries(
      Object.keys(node)
        .sort()
        .map((key) => {
          const value: unknown = node[key as keyof typeof node];
          return [key, typeof value === 'object' && value !== null && !Array.isArray(value) && !('other' in value) ? rebuild(value) : values[next++]];
        }),
    );
  return rebuild({ ...en, ...EN_ON_DEMAND }) as Messages;
}
