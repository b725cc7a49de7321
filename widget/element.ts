import { h, render } from 'preact';
import { App } from './app.js';
import type { ThemeChoice } from './events.js';
import { preferredLanguages } from './languages.js';
import { openStorage, readTheme, THEMES, writeTheme } from './storage.js';
import { adoptStyles } from './stylesheet.js';
import { STYLES } from './styles.js';

export const TAG = 'imageka-widget';

/**
 * `<imageka-widget>`: configured through its attributes (`api`, `theme`, `lang`), heard through
 * its `imageka:*` events (typed for `addEventListener` by events.ts). It adds no properties or
 * methods to HTMLElement's; custom-elements.json describes attributes, events, parts and
 * custom properties.
 */
export interface ImagekaWidget extends HTMLElement {}

/** Builds the element class for a default API address (the origin the script came from). */
function widgetClass(defaultApi: string): { new (): ImagekaWidget; readonly observedAttributes: readonly string[] } {
  return class ImagekaWidget extends HTMLElement {
    static observedAttributes = ['api', 'theme', 'lang'];
    readonly #root = this.attachShadow({ mode: 'open' });
    readonly #storage = openStorage();
    #connected = false;

    constructor() {
      super();
      adoptStyles(this.#root, STYLES);
    }

    connectedCallback(): void {
      this.#connected = true;
      // The visitor's own choice from an earlier visit wins over the page's default.
      const stored = readTheme(this.#storage);
      if (stored && stored !== this.getAttribute('theme')) this.setAttribute('theme', stored);
      this.#render();
    }

    disconnectedCallback(): void {
      this.#connected = false;
      // Moving the element disconnects and reconnects it at once: keep its state through that.
      queueMicrotask(() => this.#connected || render(null, this.#root));
    }

    attributeChangedCallback(): void {
      if (this.#connected) this.#render();
    }

    #render(): void {
      const api = this.getAttribute('api')?.trim();
      const theme = this.getAttribute('theme');
      render(
        h(App, {
          api: api ? resolve(api) : defaultApi,
          theme: THEMES.find((choice) => choice === theme) ?? 'auto',
          languages: preferredLanguages(this.getAttribute('lang'), document.documentElement.lang, navigator.languages ?? [navigator.language]),
          host: this,
          onTheme: this.#pickTheme,
          storage: this.#storage,
        }),
        this.#root,
      );
    }

    readonly #pickTheme = (theme: ThemeChoice): void => {
      writeTheme(this.#storage, theme);
      this.setAttribute('theme', theme);
      this.dispatchEvent(new CustomEvent('imageka:theme', { detail: { theme }, bubbles: true, composed: true }));
    };
  };
}

/**
 * Defines `<imageka-widget>` unless this page already has it (the script tag and the module
 * may both be loaded). Returns the class in use.
 */
export function defineWidget(defaultApi: string): CustomElementConstructor {
  const existing = customElements.get(TAG);
  if (existing) return existing;
  const element = widgetClass(defaultApi);
  customElements.define(TAG, element);
  return element;
}

/** The origin of the URL a script was loaded from, else this page's own. */
export function originOf(url: string | undefined): string {
  try {
    const { origin } = new URL(url ?? '');
    if (origin !== 'null') return origin;
  } catch {
    // No URL (inline script, test runner): the page's origin is the best guess.
  }
  return location.origin;
}

/** An `api` attribute may be relative to the page, like any URL in HTML. */
function resolve(api: string): string {
  try {
    return new URL(api, document.baseURI).href;
  } catch {
    return api;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'imageka-widget': ImagekaWidget;
  }
}
