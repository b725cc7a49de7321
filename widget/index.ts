/**
 * The widget as an ES module: `import 'https://imageka.example/widget.mjs'` (or the package's
 * `@imageka/widget` package) defines `<imageka-widget>`, talking to the API where the module came from.
 */
import { defineWidget, originOf } from './element.js';

export { TAG, defineWidget, type ImagekaWidget } from './element.js';
export type { Stage, ThemeChoice, WidgetEventMap, WidgetEventName, WidgetEvents } from './events.js';

export const ImagekaWidgetElement = defineWidget(originOf(import.meta.url));
