import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';

/**
 * Gives the widget bundle the browser variant of an SDK module: an import of `./x.js` inside
 * sdk/ resolves to `sdk/x.browser.ts` when that file exists (what a package.json "browser" field
 * does for published packages). Node-only code, such as the cookie jar, then stays out of the
 * bundle; the SDK's own tests and its npm build use the full modules.
 * @returns {import('rollup').Plugin}
 */
export function browserSdk() {
  return {
    name: 'imageka-browser-sdk',
    resolveId(source, importer) {
      if (!importer || !/[\\/]sdk[\\/][\w-]+\.ts$/.test(importer)) return null;
      const match = /^\.\/([\w-]+)\.js$/.exec(source);
      const browser = match && join(dirname(importer), `${match[1]}.browser.ts`);
      return browser && existsSync(browser) ? browser : null;
    },
  };
}

/**
 * Minifies the CSS template in widget/styles.ts at build time, so the source stays readable and
 * the bundle small.
 * @returns {import('rollup').Plugin}
 */
export function minifyWidgetCss() {
  return {
    name: 'imageka-minify-widget-css',
    transform(code, id) {
      if (!/[\\/]widget[\\/]styles\.ts$/.test(id)) return null;
      const minified = code.replace(/\/\* css \*\/ `([^`]*)`/, (_match, css) => '`' + minifyCss(css) + '`');
      if (minified === code) this.error('widget/styles.ts: the /* css */ template was not found.');
      return { code: minified, map: null };
    },
  };
}

/**
 * Removes comments, whitespace CSS never needs and leading zeros, and shortens the stylesheet's
 * own custom properties (those it declares, except the public `--imageka-*`). Properties that
 * the components set, such as `--ratio`, are only read here, so they keep their names.
 * @param {string} css
 * @returns {string}
 */
export function minifyCss(css) {
  const compact = css
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\s+/g, ' ')
    .replace(/\s*([{};,>~]|!important)\s*/g, '$1')
    // A `+` between selectors needs no spaces; inside calc() it does, and the stylesheet uses none.
    .replace(/ \+ (?=[\w.:[])/g, '+')
    .replace(/\[([\w-]+)="([\w-]+)"\]/g, '[$1=$2]')
    .replace(/:\s+/g, ':')
    .replace(/;}/g, '}')
    .replace(/([\s:,(-])0\.(\d)/g, '$1.$2')
    .trim();
  const own = [...new Set([...compact.matchAll(/[{;](--[\w-]+):/g)].map(([, name]) => name))].filter((name) => !name.startsWith('--imageka-'));
  const short = new Map(own.map((name, index) => [name, `--${(index + 10).toString(36)}`]));
  return compact.replace(/--[\w-]+/g, (name) => short.get(name) ?? name);
}

/**
 * Prints each bundle's minified, gzip and brotli sizes on every build. Over `budget` it warns;
 * over `ceiling` it fails, so a size regression cannot slip through unnoticed.
 * @param {{ budget: number, ceiling: number }} options bytes, gzipped
 * @returns {import('rollup').Plugin}
 */
export function reportSize({ budget, ceiling }) {
  return {
    name: 'imageka-report-size',
    generateBundle(outputOptions, bundle) {
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== 'chunk') continue;
        const raw = Buffer.byteLength(chunk.code);
        const gzip = gzipSync(chunk.code, { level: 9 }).length;
        const brotli = brotliCompressSync(chunk.code).length;
        const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
        const file = outputOptions.file ?? chunk.fileName;
        console.log(`[imageka] ${file}: ${kb(raw)} minified, ${kb(gzip)} gzip, ${kb(brotli)} brotli (budget ${kb(budget)} gzip)`);
        if (gzip > ceiling) this.error(`${file} is ${kb(gzip)} gzipped, over the ${kb(ceiling)} ceiling.`);
        if (gzip > budget) this.warn(`${file} is ${kb(gzip)} gzipped, over the ${kb(budget)} budget.`);
      }
    },
  };
}
