/**
 * The classic-script build (`<script src=".../widget.js" async>`). `document.currentScript` is only
 * set while this file first runs, so the API's default address is taken here and nowhere later.
 */
import { defineWidget, originOf } from './element.js';

// Types only (erased from the bundle): `import '@imageka/widget/widget.js'` brings the element's
// and its events' declarations, as the module build's entry does.
export type { ImagekaWidget, WidgetEvents } from './index.js';

const script = document.currentScript;
defineWidget(originOf(script instanceof HTMLScriptElement ? script.src : undefined));
