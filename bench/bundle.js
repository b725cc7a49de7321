/**
 * The widget bundle as shipped (minified by the build), compressed the way servers send it,
 * next to Preact alone: core, hooks and the JSX runtime bundled with the same rollup + terser.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import nodeResolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import { rollup } from 'rollup';

const WIDGET = fileURLToPath(new URL('../dist/widget/widget.js', import.meta.url));
const PREACT_ENTRY = '\0preact-alone';
// Everything the widget takes from Preact, kept alive through the exports.
const PREACT_SOURCE = `
export { h, render, Fragment } from 'preact';
export { jsx, jsxs } from 'preact/jsx-runtime';
export { useEffect, useMemo, useReducer, useRef, useState } from 'preact/hooks';
`;

export function sizes(code) {
  const bytes = Buffer.from(code);
  return {
    minified: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

async function preactAlone() {
  const build = await rollup({
    input: PREACT_ENTRY,
    plugins: [
      { name: 'preact-alone', resolveId: (id) => (id === PREACT_ENTRY ? id : null), load: (id) => (id === PREACT_ENTRY ? PREACT_SOURCE : null) },
      nodeResolve({ browser: true }),
      terser({ ecma: 2020, module: true, toplevel: true, compress: { passes: 3, pure_getters: true }, format: { comments: false } }),
    ],
  });
  const { output } = await build.generate({ format: 'es' });
  await build.close();
  return output[0].code;
}

export async function measureBundle() {
  const preact = sizes(await preactAlone());
  if (!existsSync(WIDGET)) return { widget: null, preact };
  return { widget: sizes(await readFile(WIDGET, 'utf8')), preact };
}
