import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
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
      if (!/[\\/]widget[\\/](on-demand-)?styles\.ts$/.test(id)) return null;
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
 * Ships each language file (widget/locales/*.ts, after TypeScript) as its values alone, in the
 * order language-tables.ts's `fromValues` puts them back: the keys of the English tables
 * (`english`: the first-load and on-demand ones, merged), sorted, depth first; a plural object or
 * a `[label, text]` list is one value. Plural forms that repeat `other` are left out: `other`
 * stands in for them at run time.
 * @param {{ english: string[] }} options the modules whose exports make the English table
 * @returns {import('rollup').Plugin}
 */
export function localeValues({ english }) {
  return {
    name: 'imageka-locale-values',
    async transform(code, id) {
      if (!/[\\/]widget[\\/]locales[\\/][\w-]+\.ts$/.test(id)) return null;
      const parts = await Promise.all(english.map(async (file) => evaluate((await this.load({ id: join(process.cwd(), file) })).code)));
      const shape = Object.assign({}, ...parts.flatMap((module) => Object.values(module)));
      const { default: table } = await evaluate(code);
      return { code: `export default ${JSON.stringify(localeLeaves(shape, table))};`, map: { mappings: '' } };
    },
  };
}

/** Our own module's code, run at build time (it imports nothing at run time). */
const evaluate = (code) => import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);

/** `table`'s values at the keys of `shape`, sorted, depth first; a plural object or an array is one value. */
function localeLeaves(shape, table, out = []) {
  for (const key of Object.keys(shape).sort()) {
    const value = table[key];
    if (isBranch(shape[key])) localeLeaves(shape[key], value, out);
    else out.push(isPlural(value) ? Object.fromEntries(Object.entries(value).filter(([form, text]) => form === 'other' || text !== value.other)) : value);
  }
  return out;
}

const isPlural = (value) => typeof value === 'object' && !Array.isArray(value) && 'other' in value;
const isBranch = (value) => typeof value === 'object' && !Array.isArray(value) && !('other' in value);

/**
 * Prints each file's minified, gzip and brotli sizes on every build and enforces the budgets:
 * the loader (`role: 'loader'`) records its gzip size in `firstLoad`; the module build adds its
 * entry chunk to it, warns over `budget`, fails over `ceiling`, and fails for any language file
 * (widget/locales/) over `languageCeiling`. The on-demand chunk is reported, not limited.
 * @param {{ firstLoad: { loaderGzip: number }, role: 'loader' | 'module', budget?: number, ceiling?: number, languageCeiling?: number }} options bytes, gzipped
 * @returns {import('rollup').Plugin}
 */
export function reportSize({ firstLoad, role, budget = Infinity, ceiling = Infinity, languageCeiling = Infinity }) {
  const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
  return {
    name: 'imageka-report-size',
    generateBundle(outputOptions, bundle) {
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== 'chunk') continue;
        const gzip = gzipSync(chunk.code, { level: 9 }).length;
        const file = outputOptions.file ?? join(outputOptions.dir ?? '', chunk.fileName);
        console.log(`[imageka] ${file}: ${kb(Buffer.byteLength(chunk.code))} minified, ${kb(gzip)} gzip, ${kb(brotliCompressSync(chunk.code).length)} brotli`);
        if (role === 'loader') {
          firstLoad.loaderGzip = gzip;
        } else if (chunk.isEntry) {
          const total = gzip + firstLoad.loaderGzip;
          console.log(`[imageka] first load (widget.js + widget.mjs): ${kb(total)} gzip (target ${kb(budget)}, ceiling ${kb(ceiling)})`);
          if (total > ceiling) this.error(`the widget's first load is ${kb(total)} gzipped, over the ${kb(ceiling)} ceiling.`);
          if (total > budget) this.warn(`the widget's first load is ${kb(total)} gzipped, over the ${kb(budget)} target.`);
        } else if (/[\\/]widget[\\/]locales[\\/]/.test(chunk.facadeModuleId ?? '') && gzip > languageCeiling) {
          this.error(`${file} is ${kb(gzip)} gzipped, over the ${kb(languageCeiling)} a language file may take.`);
        }
      }
    },
  };
}

/**
 * Empties the folder of hashed chunks before a build, so the site copies only this build's.
 * @param {string} dir
 * @returns {import('rollup').Plugin}
 */
export function cleanParts(dir) {
  return {
    name: 'imageka-clean-parts',
    buildStart() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Writes the widget package's type declarations: tsc emits declarations for every module the
 * entries reach, and only those the entries' declarations import (followed through relative
 * specifiers) are written, under `outDir` with the repository's layout (`widget/…`, `sdk/…`).
 * The rest would be dead weight that names Preact, which the package does not depend on.
 * @param {{ entries: string[], outDir: string }} options
 * @returns {import('rollup').Plugin}
 */
export function widgetDeclarations({ entries, outDir }) {
  return {
    name: 'imageka-widget-declarations',
    async writeBundle() {
      const { default: ts } = await import('typescript');
      const root = process.cwd();
      const config = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
      const options = { ...config.options, noEmit: false, declaration: true, emitDeclarationOnly: true, rootDir: root, outDir: '/', types: [] };
      const emitted = new Map();
      const program = ts.createProgram(entries.map((entry) => join(root, entry)), options);
      const result = program.emit(undefined, (file, text) => emitted.set(file, text));
      const problems = [...ts.getPreEmitDiagnostics(program), ...result.diagnostics];
      if (problems.length > 0) this.error(ts.formatDiagnostics(problems, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => '\n' }));
      const pending = entries.map((entry) => join('/', entry.replace(/\.tsx?$/, '.d.ts')));
      const written = new Set();
      while (pending.length > 0) {
        const file = pending.pop();
        if (written.has(file)) continue;
        const text = emitted.get(file);
        if (text === undefined) this.error(`no declarations for ${file}`);
        written.add(file);
        const target = join(root, outDir, file);
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, text);
        for (const [, specifier] of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)\.js'/g)) {
          pending.push(join(dirname(file), `${specifier}.d.ts`));
        }
      }
    },
  };
}
