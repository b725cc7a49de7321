import type { ImageSize, ProviderInfo } from '../sdk/types.js';

/*
 * The widget's public types: the package's declarations (widget/dist/types) are this file, the
 * element's and the SDK's wire types, so it imports nothing else from the widget.
 */

/** Which request went wrong. */
export type Stage = 'captcha' | 'audio' | 'generate';

/** The `theme` attribute's values. */
export type ThemeChoice = 'auto' | 'light' | 'dark';

/**
 * The public moments, dispatched on the `<imageka-widget>` element (bubbling, composed). No
 * detail ever contains the captcha answer.
 */
export interface WidgetEvents {
  /** A captcha is shown and the widget can be used; once per connection. */
  'imageka:ready': { api: string };
  /** The visitor asked for an image; the request is on its way. */
  'imageka:generate': { prompt: string; negativePrompt?: string; seed?: number } & ImageSize;
  /** An image arrived (`image` is a full-size `data:` URL). */
  'imageka:image': {
    image: string;
    prompt: string;
    negativePrompt?: string;
    width: number;
    height: number;
    seed: number;
    provider: ProviderInfo;
  };
  /** The visitor cancelled a generation. */
  'imageka:cancel': Record<string, never>;
  /** Something failed; `message` is what the visitor was shown. */
  'imageka:error': { stage: Stage; code: string; message: string; retryAfter?: number };
  /** The visitor picked a theme in the widget. */
  'imageka:theme': { theme: ThemeChoice };
}

export type WidgetEventName = keyof WidgetEvents;

/** The events as `addEventListener` hands them over. */
export type WidgetEventMap = { [K in WidgetEventName]: CustomEvent<WidgetEvents[K]> };

declare global {
  /**
   * The events bubble and are composed, so any element, `document` and `window` can hear them:
   * `addEventListener('imageka:image', (event) => event.detail.seed)` is typed everywhere.
   */
  interface GlobalEventHandlersEventMap extends WidgetEventMap {}
}
export type Emit = <K extends WidgetEventName>(name: K, detail: WidgetEvents[K]) => void;

export function emitterFor(host: EventTarget): Emit {
  return (name, detail) => {
    host.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  };
}
