import type { Messages, Plural } from './strings.js';

type Values = Record<string, string | number>;

/** The widget's texts in one language, with its templates turned into functions. */
export type Strings = ReturnType<typeof localize>;

/**
 * Turns a language's table into what the components call: numbers, durations and percentages
 * worded by `Intl` for `lang`, plural forms chosen by its rules. `lang` and `dir` are those of
 * the table itself, so the widget's root can say which language it shows.
 */
export function localize(messages: Messages, lang: string, dir: 'ltr' | 'rtl' = 'ltr') {
  const number = new Intl.NumberFormat(lang);
  const rules = new Intl.PluralRules(lang);
  const fill = (template: string, values: Values) =>
    template.replace(/\{(\w+)\}/g, (match, key: string) => {
      const value = values[key];
      return value === undefined ? match : typeof value === 'number' ? number.format(value) : value;
    });
  const plural = (forms: Plural, count: number) => fill(forms[rules.select(count)] ?? forms.other, { count });
  const unit = (value: number, unit: string) => new Intl.NumberFormat(lang, { style: 'unit', unit, unitDisplay: 'short' }).format(value);
  /** 45 sec, 2 min 5 sec, 1 hr 20 min: the two largest units that matter. */
  const duration = (seconds: number) => {
    const h = Math.floor(seconds / 3600);
    const m = Math.floor((seconds % 3600) / 60);
    const s = seconds % 60;
    const parts = h > 0 ? [unit(h, 'hour'), unit(m, 'minute')] : m > 0 ? [unit(m, 'minute'), unit(s, 'second')] : [unit(s, 'second')];
    return new Intl.ListFormat(lang, { type: 'unit', style: 'narrow' }).format(parts);
  };
  return {
    ...messages,
    lang,
    dir,
    duration,
    percent: (value: number) => new Intl.NumberFormat(lang, { style: 'percent' }).format(value / 100),
    counter: (used: number, max: number) => fill(messages.counter, { used, max }),
    counterLabel: (left: number) => plural(messages.counterLabel, left),
    styleLabel: (name: string) => fill(messages.styleLabel, { name }),
    answerHint: (characters: string) => fill(messages.answerHint, { characters }),
    queued: (position: number) => fill(messages.queued, { position }),
    typical: (seconds: number) => fill(messages.typical, { time: duration(seconds) }),
    left: (count: number) => plural(messages.left, count),
    resultAlt: (prompt: string) => fill(messages.resultAlt, { prompt }),
    // A seed is an identifier, not a quantity: no digit grouping.
    seedUsed: (seed: number) => fill(messages.seedUsed, { seed: String(seed) }),
    waitFor: (seconds: number) => fill(messages.waitFor, { time: duration(seconds) }),
    evicted: (count: number) => plural(messages.evicted, count),
  };
}
