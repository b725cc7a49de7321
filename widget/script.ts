/**
 * The classic-script entry (`<script src=".../widget.js" async>`): a few bytes that import the
 * module build from beside it (widget.mjs), which defines `<imageka-widget>` and fetches the
 * rest on demand. `document.currentScript` is only set while this file first runs, so the
 * address is taken here.
 */

// Types only (erased from the bundle): `import '@imageka/widget/widget.js'` brings the element's
// and its events' declarations, as the module build's entry does.
export type { ImagekaWidget, WidgetEvents } from './index.js';

const script = document.currentScript;
const base = script instanceof HTMLScriptElement && script.src ? script.src : location.href;
import(new URL('widget.mjs', base).href).catch((error: unknown) => {
  console.error(`[imageka] The widget could not be loaded from ${base}: ${(error as Error).message}`);
});
