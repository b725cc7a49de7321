/**
 * The widget as an ES module: `import 'https://imageka.example/widget.mjs'` (or the package's
 * `./widget` export) defines `<imageka-widget>`, talking to the API where the module came from.
 */
import { defineWidget, originOf } from './element.js';

export { TAG, defineWidget, type ImagekaWidget } from './element.js';
export type { WidgetEvents, WidgetEventName } from './events.js';
export type { ThemeChoice } from './storage.js';

export const ImagekaWidgetElement = defineWidget(originOf(import.meta.url));
