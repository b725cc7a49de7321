import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import nodeResolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';
import { browserSdk, minifyWidgetCss, reportSize } from './widget/rollup-plugins.js';

/**
 * Bundles, one entry per output. `npm run build` runs `tsc -p tsconfig.build.json` first, which
 * writes the SDK's ESM (dist/sdk/*.js) and its declarations (dist/sdk/*.d.ts); this config adds
 * only what tsc cannot make (the CommonJS SDK and its declarations, and the widget bundles),
 * so no file has two writers.
 */
const sdkInput = 'dist/sdk/index.js';
const sdkDir = 'dist/sdk';

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
    file: 'dist/sdk/index.cjs',
    format: 'cjs',
    exports: 'named',
    sourcemap: true,
  },
  plugins: [
    {
      name: 'imageka-sdk-needs-tsc',
      buildStart() {
        if (!existsSync(sdkInput)) {
          this.error(`${sdkInput} is missing: run "npm run build" (tsc writes it before rollup runs).`);
        }
      },
    },
    commonJsDeclarations,
  ],
  // The SDK has no runtime dependencies; an import of anything else is a mistake to catch here.
  external: () => false,
};

/**
 * The widget, Preact and the SDK in one file each: `widget.js` for a classic `<script async>`,
 * `widget.mjs` for `import`. Compiled from source (not from tsc's output) with the root tsconfig.
 * The .tsx files ask for the classic JSX runtime (`@jsxRuntime classic`, `@jsx h`): `h(type,
 * props, ...children)` calls carry no `children:` keys or arrays and need no jsx-runtime module,
 * about 0.2 KB gzip less than the automatic runtime, and tests compile them the same way.
 * @param {string} input
 * @param {import('rollup').OutputOptions} output
 * @returns {import('rollup').RollupOptions}
 */
function widgetBundle(input, output) {
  const module = output.format === 'es';
  return {
    input,
    output: { sourcemap: true, ...output },
    plugins: [
      browserSdk(),
      nodeResolve({ browser: true }),
      typescript({
        tsconfig: './tsconfig.json',
        include: ['widget/**/*.ts', 'widget/**/*.tsx', 'sdk/**/*.ts'],
        compilerOptions: { noEmit: false, module: 'esnext', moduleResolution: 'bundler', types: [], declaration: false, sourceMap: true },
      }),
      minifyWidgetCss(),
      // ascii_only: `…` and `−` become escapes, so a host that serves widget.js without a charset
      // on a non-UTF-8 page shows them right (and gzip happens to like the escapes better).
      terser({ ecma: 2020, module, toplevel: true, compress: { passes: 3, pure_getters: true }, format: { comments: false, ascii_only: true } }),
      // Of ~20.4 KB gzip, Preact 10 (without hooks) is ~4.3 KB, the SDK's request functions ~3.5 KB,
      // the stylesheet ~2.9 KB and the strings ~1.9 KB (README, Size). The issue's 15 KB budget
      // warns; the ceiling is the smallest whole KB today's size meets, so any growth past it fails
      // the build until it is paid for elsewhere. Issue 17 (history view, limits, starters, errors
      // beside their controls) took it from 18.7 to 20.4 KB: 21 KB until the lead decides how to
      // pay for it (see the issue 17 report).
      reportSize({ budget: 15 * 1024, ceiling: 21 * 1024 }),
    ],
  };
}

const widgetScript = widgetBundle('widget/script.ts', { file: 'dist/widget/widget.js', format: 'iife' });
const widgetModule = widgetBundle('widget/index.ts', { file: 'dist/widget/widget.mjs', format: 'es' });

export default [sdkCommonJs, widgetScript, widgetModule];
