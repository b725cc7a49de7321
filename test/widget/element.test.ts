// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { defineWidget, ImagekaWidgetElement, TAG } from '../../widget/index.js';
import { THEME_KEY } from '../../widget/storage.js';
import { STYLES } from '../../widget/styles.js';
import { mount, startApi, tick, until, untilState } from './harness.js';

const setColorScheme = (scheme: 'light' | 'dark') => {
  (window as unknown as { happyDOM: { settings: { device: { prefersColorScheme: string } } } }).happyDOM.settings.device.prefersColorScheme = scheme;
  // happy-dom re-evaluates media queries on resize.
  window.dispatchEvent(new Event('resize'));
};
const theme = (root: ShadowRoot) => root.querySelector<HTMLElement>('.root')!.dataset.theme;

describe('the element', () => {
  it('is defined once: a second definition (script tag and module both loaded) keeps the first', () => {
    expect(customElements.get(TAG)).toBe(ImagekaWidgetElement);
    expect(defineWidget('https://elsewhere.example')).toBe(ImagekaWidgetElement);
  });

  it('renders into an open shadow root styled by one adopted sheet shared by every instance', async () => {
    const api = await startApi();
    const one = mount({ api: api.url });
    const two = mount({ api: api.url });
    expect(one.root.mode).toBe('open');
    expect(one.root.adoptedStyleSheets).toHaveLength(1);
    expect(one.root.adoptedStyleSheets[0]).toBe(two.root.adoptedStyleSheets[0]);
    expect(one.root.querySelector('style')).toBeNull();
    expect(STYLES).toContain('--imageka-accent');
    expect(document.head.querySelector('style')).toBeNull();
    await untilState(one, 'ready');
    await untilState(two, 'ready');
  });

  it('talks to the origin it was loaded from when there is no api attribute, and resolves a relative one', async () => {
    const api = await startApi();
    const warnings: unknown[][] = [];
    const { warn, error } = console;
    console.warn = (...args: unknown[]) => void warnings.push(args);
    // happy-dom prints the refused connections; they are the point of this test.
    console.error = () => {};
    const fallback = mount();
    try {
      await untilState(fallback, 'error');
    } finally {
      Object.assign(console, { warn, error });
    }
    // In the test runner the module comes from file:, so the page's origin is used.
    expect(warnings[0]?.[0]).toBe(`[imageka] Could not load a captcha from ${location.origin}. Check the widget's api attribute and that the API allows this page's origin.`);
    expect(fallback.$('[role=alert]').textContent).toBe('The image service could not be reached. Check your connection and try again.');
    fallback.widget.setAttribute('api', `${api.url}/`);
    await untilState(fallback, 'ready');
    expect(fallback.events.find((event) => event.type === 'imageka:ready')?.detail).toEqual({ api: api.url });
  });

  it('says what is wrong with an unusable api attribute, on the console with the [imageka] prefix', async () => {
    const errors: unknown[][] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void errors.push(args);
    try {
      const mounted = mount({ api: 'ftp://nope.example' });
      await untilState(mounted, 'error');
      expect(mounted.$('[role=alert]').textContent).toBe('This widget is not set up correctly.');
      expect(String(errors[0]?.[0])).toMatch(/^\[imageka\] The api attribute "ftp:\/\/nope\.example\/?" is not usable/);
      expect(mounted.events.at(-1)).toMatchObject({ type: 'imageka:error', detail: { stage: 'captcha', code: 'invalid_api' } });
    } finally {
      console.error = original;
    }
  });

  it('follows the theme attribute at run time, and auto follows the system colour scheme', async () => {
    const api = await startApi();
    setColorScheme('light');
    const mounted = mount({ api: api.url });
    expect(theme(mounted.root)).toBe('light');
    setColorScheme('dark');
    await until(() => expect(theme(mounted.root)).toBe('dark'));
    mounted.widget.setAttribute('theme', 'light');
    await tick();
    expect(theme(mounted.root)).toBe('light');
    mounted.widget.setAttribute('theme', 'bogus');
    await tick();
    expect(theme(mounted.root)).toBe('dark');
    mounted.widget.removeAttribute('theme');
    await tick();
    expect(theme(mounted.root)).toBe('dark');
    setColorScheme('light');
    await until(() => expect(theme(mounted.root)).toBe('light'));
    expect(localStorage.getItem(THEME_KEY)).toBeNull();
    await untilState(mounted, 'ready');
  });

  it("keeps the visitor's theme choice in localStorage, reflects it in the attribute and announces it", async () => {
    const api = await startApi();
    const mounted = mount({ api: api.url, theme: 'light' });
    const dark = mounted.$<HTMLInputElement>('[part=theme-switch] input[value=dark]');
    expect(dark.closest('label')!.textContent).toBe('Dark');
    expect(mounted.$('[part=theme-switch] legend').textContent).toBe('Colour theme');
    dark.click();
    await tick();
    expect(localStorage.getItem(THEME_KEY)).toBe('dark');
    expect(mounted.widget.getAttribute('theme')).toBe('dark');
    expect(theme(mounted.root)).toBe('dark');
    expect(mounted.events.find((event) => event.type === 'imageka:theme')).toEqual({ type: 'imageka:theme', detail: { theme: 'dark' }, bubbles: true, composed: true });
    await untilState(mounted, 'ready');
    mounted.widget.remove();
    const again = mount({ api: api.url, theme: 'light' });
    expect(again.widget.getAttribute('theme')).toBe('dark');
    expect(theme(again.root)).toBe('dark');
    await untilState(again, 'ready');
  });

  it('speaks English for en, en-GB and languages it does not have, and its lang says the language it shows', async () => {
    const api = await startApi();
    const mounted = mount({ api: api.url, lang: 'en-GB' });
    expect(mounted.$('.title').textContent).toBe('Create an image');
    expect(mounted.$('.root').getAttribute('lang')).toBe('en');
    mounted.widget.setAttribute('lang', 'fr');
    await tick();
    // No French strings exist: claiming fr would make screen readers read English with a French voice.
    expect(mounted.$('.root').getAttribute('lang')).toBe('en');
    expect(mounted.$('label[for=prompt]').textContent).toBe('Describe your image');
    await untilState(mounted, 'ready');
  });

  it('labels every control and offers the parts hosts can style', async () => {
    const api = await startApi();
    const mounted = mount({ api: api.url });
    await untilState(mounted, 'ready');
    for (const control of mounted.$$('input, textarea, button, select')) {
      const id = control.id;
      const label =
        control.getAttribute('aria-label') ??
        (id ? mounted.root.querySelector(`label[for="${id}"]`)?.textContent : undefined) ??
        control.closest('label')?.textContent ??
        control.textContent;
      expect(label?.trim(), control.outerHTML).toBeTruthy();
    }
    const img = mounted.$<HTMLImageElement>('.captcha-image img');
    expect(img.alt).toMatch(/^Captcha: .* to show you are a person/);
    for (const part of ['root', 'header', 'theme-switch', 'form', 'prompt', 'ratio', 'options', 'captcha', 'captcha-image', 'answer', 'listen', 'generate', 'output', 'gallery']) {
      expect(mounted.root.querySelector(`[part~="${part}"]`), part).not.toBeNull();
    }
    expect(mounted.$('[aria-live=polite]')).toBeTruthy();
  });
});
