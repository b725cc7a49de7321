import { existsSync } from 'node:fs';

/**
 * Bundles, one entry per output. `npm run build` runs `tsc -p tsconfig.build.json` first, which
 * writes the SDK's ESM (dist/sdk/*.js) and its declarations (dist/sdk/*.d.ts); this config adds
 * only what tsc cannot make, so no file has two writers. Add further bundles (the widget) as
 * entries of this array.
 */
const sdkInput = 'dist/sdk/index.js';

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
  ],
  // The SDK has no runtime dependencies; an import of anything else is a mistake to catch here.
  external: () => false,
};

export default [sdkCommonJs];
