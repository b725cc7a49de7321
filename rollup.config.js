import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import nodeResolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';
import { browserSdk, cleanParts, localeValues, minifyWidgetCss, reportSize, widgetDeclarations } from './widget/rollup-plugins.js';

/**
 * Bundles, one entry per output. `npm run build` runs `tsc -p sdk/tsconfig.json` first, which
 * writes the @imageka/sdk package's ESM (sdk/dist/*.js) and declarations (sdk/dist/*.d.ts); this
 * config adds only what tsc cannot make (the CommonJS SDK and its declarations, and the
 * @imageka/widget bundles in widget/dist), so no file has two writers.
 */
const sdkInput = 'sdk/dist/index.js';
const sdkDir = 'sdk/dist';

/**
 * CommonJS twins of tsc's declarations (`x.d.ts` → `x.d.cts`, importing `./y.cjs`). In a
 * `"type": "module"` package TypeScript reads `.d.ts` as ESM, and a CommonJS consumer compiled
 * with `module: node16` may not `require` that; the `require` condition needs `.d.cts` types.
 */
const commonJsDeclarations = {
  name: 'imageka-sdk-cjs-declarations',
  writeBundle() {
    for (const file of readdirSync(sdkDir).filter((name) => name.endsWith('.d.ts'))) {
      const source = readFileSync(`${sdkDir}/${file}`, 'utf8');
      const twin = source.replace(/(from\s+'\.\/[\w-]+)\.js'/g, "$1.cjs'").replace(/\/\/# sourceMappingURL=.*$/m, '');
      writeFileSync(`${sdkDir}/${file.replace(/\.d\.ts$/, '.d.cts')}`, twin);
    }
  },
};

/** @type {import('rollup').RollupOptions} */
const sdkCommonJs = {
  input: sdkInput,
  output: {
    file: 'sdk/dist/index.cjs',
    format: 'cjs',
    exports: 'named',
  },
  plugins: [
    {
      name: 'imageka-sdk-needs-tsc',
      buildStart() {
        if (!existsSync(sdkInput)) {
          this.error(`${sdkInput} is missing: run "npm run build" (tsc -p sdk/tsconfig.json writes it before rollup runs).`);
        }
      },
    },
    commonJsDeclarations,
  ],
  // The SDK has no runtime dependencies; an import of anything else is a mistake to catch here.
  external: () => false,
};

/**
 * The widget as ES modules, from source (not tsc's output) with the root tsconfig: `widget.mjs`
 * (Preact, the SDK's captcha calls, the form) and, under `parts/` with a content hash in their
 * names, what it fetches on demand: `on-demand-*.mjs` (generation, listening, the larger history
 * view) and one file per language besides English. `widget.js` is the classic-script entry: a
 * few bytes that import widget.mjs from beside it. The .tsx files ask for the classic JSX
 * runtime (`@jsxRuntime classic`, `@jsx h`): `h(type, props, ...children)` calls carry no
 * `children:` keys or arrays and need no jsx-runtime module, and tests compile them the same way.
 */
const compile = () =>
  typescript({
    tsconfig: './tsconfig.json',
    include: ['widget/**/*.ts', 'widget/**/*.tsx', 'sdk/**/*.ts'],
    compilerOptions: { noEmit: false, module: 'esnext', moduleResolution: 'bundler', types: [], declaration: false, sourceMap: true },
  });
// A classic script is decoded in the page's charset when served without one: ascii_only keeps
// widget.js right anywhere. Module scripts are always read as UTF-8, so the ES files need no escapes
// (which would triple the size of Japanese, Arabic and Hebrew texts).
const minify = (module) => terser({ ecma: 2020, module, toplevel: true, compress: { passes: 3, pure_getters: true }, format: { comments: false, ascii_only: !module } });

/** Shared by the two builds below (rollup runs them in order): the loader's size counts towards the first load. */
const firstLoad = { loaderGzip: 0 };

/** @type {import('rollup').RollupOptions} */
const widgetScript = {
  input: 'widget/script.ts',
  output: { file: 'widget/dist/widget.js', format: 'iife', sourcemap: true },
  plugins: [compile(), minify(false), reportSize({ firstLoad, role: 'loader' })],
};

/** @type {import('rollup').RollupOptions} */
const widgetModule = {
  input: { widget: 'widget/index.ts' },
  // The entry may export what its parts import from it, rather than a facade re-exporting a shared chunk.
  preserveEntrySignatures: 'allow-extension',
  output: { dir: 'widget/dist', format: 'es', entryFileNames: 'widget.mjs', chunkFileNames: 'parts/[name]-[hash].mjs', sourcemap: true },
  plugins: [
    cleanParts('widget/dist/parts'),
    // The package's declarations, once, beside the module build: both entries' types.
    widgetDeclarations({ entries: ['widget/index.ts', 'widget/script.ts'], outDir: 'widget/dist/types' }),
    browserSdk(),
    nodeResolve({ browser: true }),
    compile(),
    localeValues({ english: ['widget/strings.ts', 'widget/on-demand-strings.ts'] }),
    minifyWidgetCss(),
    minify(true),
    // The first load (widget.js + widget.mjs) fails the build over 19 KB gzip and warns over the
    // 15 KB target; each language file fails over 2 KB. README, Size, has the breakdown.
    reportSize({ firstLoad, role: 'module', budget: 15 * 1024, ceiling: 19 * 1024, languageCeiling: 2.2 * 1024 }),
  ],
};

export default [sdkCommonJs, widgetScript, widgetModule];
