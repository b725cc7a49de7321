import type { ProviderInfo } from '../sdk/types.js';
import type { Stage } from './problems.js';
import type { ThemeChoice } from './storage.js';

/**
 * The public moments, dispatched on the `<imageka-widget>` element (bubbling, composed). No
 * detail ever contains the captcha answer.
 */
export interface WidgetEvents {
  /** A captcha is shown and the widget can be used; once per connection. */
  'imageka:ready': { api: string };
  /** The visitor asked for an image; the request is on its way. */
  'imageka:generate': { prompt: string; negativePrompt?: string; width: number; height: number; seed?: number };
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
export type Emit = <K extends WidgetEventName>(name: K, detail: WidgetEvents[K]) => void;

export function emitterFor(host: EventTarget): Emit {
  return (name, detail) => {
    host.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  };
}
