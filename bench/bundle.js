/**
 * The widget's first load as shipped (widget.js + widget.mjs, minified by the build), compressed the way servers send it,
 * next to Preact alone: its core module, every export kept, bundled with the same rollup + terser.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import nodeResolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import { rollup } from 'rollup';

/** What a page loads before the form works: the classic-script loader and the module it imports. */
const LOADER = fileURLToPath(new URL('../widget/dist/widget.js', import.meta.url));
const WIDGET = fileURLToPath(new URL('../widget/dist/widget.mjs', import.meta.url));
const PREACT_ENTRY = '\0preact-alone';
const PREACT_SOURCE = "export * from 'preact';";

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

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** One source map segment's fields (base64 VLQ). */
function decodeSegment(text) {
  const fields = [];
  let value = 0;
  let shift = 0;
  for (const char of text) {
    const digit = BASE64.indexOf(char);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
    } else {
      fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return fields;
}

/** Where the minified bytes come from, by the source map: Preact, the SDK, the widget's styles, the rest of the widget. */
export function composition(code, map) {
  const groups = { preact: 0, sdk: 0, 'widget styles': 0, 'widget code': 0, unmapped: 0 };
  const group = (source) => {
    if (source === undefined) return 'unmapped';
    if (source.includes('node_modules/preact/')) return 'preact';
    if (source.includes('/sdk/')) return 'sdk';
    return source.endsWith('/styles.ts') ? 'widget styles' : 'widget code';
  };
  const lines = code.split('\n');
  let sourceIndex = 0;
  map.mappings.split(';').forEach((line, lineNumber) => {
    const length = Buffer.byteLength(lines[lineNumber] ?? '');
    let column = 0;
    const spans = [];
    for (const segment of line.split(',').filter(Boolean)) {
      const [columnDelta, sourceDelta] = decodeSegment(segment);
      column += columnDelta;
      if (sourceDelta !== undefined) sourceIndex += sourceDelta;
      spans.push({ column, source: sourceDelta === undefined ? undefined : map.sources[sourceIndex] });
    }
    // Columns count UTF-16 units; the bundle is ASCII apart from a few strings, close enough for a breakdown.
    spans.forEach((span, i) => (groups[group(span.source)] += (spans[i + 1]?.column ?? length) - span.column));
    if (spans.length === 0) groups.unmapped += length;
    else groups.unmapped += spans[0].column;
  });
  return groups;
}

export async function measureBundle() {
  const preact = sizes(await preactAlone());
  if (!existsSync(WIDGET) || !existsSync(LOADER)) return { widget: null, preact };
  const code = await readFile(WIDGET, 'utf8');
  const loader = sizes(await readFile(LOADER, 'utf8'));
  const module = sizes(code);
  // Two files, each compressed on its own as servers send them.
  const widget = { minified: loader.minified + module.minified, gzip: loader.gzip + module.gzip, brotli: loader.brotli + module.brotli };
  const map = existsSync(`${WIDGET}.map`) ? JSON.parse(await readFile(`${WIDGET}.map`, 'utf8')) : null;
  return { widget, preact, widgetComposition: map ? composition(code, map) : null };
}
