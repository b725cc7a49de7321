import type { Server } from '@hapi/hapi';
import { afterEach, expect, vi } from 'vitest';
import { createServer, type CreateServerOptions } from '../../api/server.js';
import { CHEAP_POW, fixedCaptcha } from '../helpers/server.js';

/** The answer every test server's captcha has. */
export const ANSWER = 'ACDEH';

const servers: Server[] = [];
const widgets: HTMLElement[] = [];
afterEach(async () => {
  // happy-dom reports an aborted fetch as a network error on the console: let captchas land first.
  for (const widget of widgets) {
    await vi.waitFor(() => expect(widget.shadowRoot?.querySelector('[aria-busy="true"]')).toBeNull(), { timeout: 2000 }).catch(() => {});
  }
  for (const widget of widgets.splice(0)) widget.remove();
  localStorage.clear();
  await Promise.all(servers.splice(0).map((server) => server.stop({ timeout: 500 })));
});

export interface Api {
  server: Server;
  url: string;
  /** `METHOD /path status` of every request the API answered, in order. */
  log: string[];
  count: (path: string) => number;
}

/** The real API on a loopback port, stopped after the test. */
export async function startApi(options: CreateServerOptions = {}): Promise<Api> {
  const server = await createServer({ host: '127.0.0.1', port: 0, captcha: fixedCaptcha(ANSWER), maxEventLoopDelayMs: 0, site: false, ...CHEAP_POW, ...options });
  const log: string[] = [];
  server.events.on('response', (request) => {
    if (request.method === 'options') return;
    const response = request.response as { isBoom?: boolean; statusCode?: number; output?: { statusCode: number } };
    const status = response.isBoom ? response.output?.statusCode : response.statusCode;
    log.push(`${request.method.toUpperCase()} ${request.path} ${status}`);
  });
  await server.start();
  servers.push(server);
  return { server, url: server.info.uri, log, count: (path) => log.filter((line) => line.split(' ')[1] === path).length };
}

export type Recorded = { type: string; detail: unknown; bubbles: boolean; composed: boolean };

export interface Mounted {
  widget: HTMLElement;
  root: ShadowRoot;
  events: Recorded[];
  $: <E extends Element = HTMLElement>(selector: string) => E;
  $$: (selector: string) => HTMLElement[];
  state: () => string | undefined;
}

const EVENTS = ['imageka:ready', 'imageka:generate', 'imageka:image', 'imageka:cancel', 'imageka:error', 'imageka:theme'];

/** Adds `<imageka-widget>` with `attributes` to the page; events are recorded from `document`. */
export function mount(attributes: Record<string, string> = {}): Mounted {
  const widget = document.createElement('imageka-widget');
  for (const [name, value] of Object.entries(attributes)) widget.setAttribute(name, value);
  const events: Recorded[] = [];
  const record = (event: Event) => {
    if (event.target !== widget) return;
    const { type, bubbles, composed } = event;
    events.push({ type, detail: (event as CustomEvent).detail, bubbles, composed });
  };
  for (const type of EVENTS) document.addEventListener(type, record);
  document.body.append(widget);
  widgets.push(widget);
  const root = widget.shadowRoot!;
  const $ = <E extends Element = HTMLElement>(selector: string) => {
    const found = root.querySelector<E>(selector);
    if (!found) throw new Error(`no ${selector} in the widget`);
    return found;
  };
  return {
    widget,
    root,
    events,
    $,
    $$: (selector) => [...root.querySelectorAll<HTMLElement>(selector)],
    state: () => root.querySelector<HTMLElement>('.root')?.dataset.state,
  };
}

/** Waits until the widget is in `name` (each state is also `data-state` on its root). */
export async function untilState(mounted: Mounted, name: string, timeout = 10_000): Promise<void> {
  await vi.waitFor(() => expect(mounted.state()).toBe(name), { timeout, interval: 10 });
}

export async function until(check: () => void, timeout = 10_000): Promise<void> {
  await vi.waitFor(check, { timeout, interval: 10 });
}

/** Types like a person: the value changes, then an input event; Preact re-renders on the next tick. */
export async function type(field: HTMLInputElement | HTMLTextAreaElement, value: string): Promise<void> {
  field.value = value;
  field.dispatchEvent(new Event('input', { bubbles: true }));
  await tick();
}

export const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

/** Fills prompt and answer and presses Generate. */
export async function fillAndGenerate(mounted: Mounted, prompt = 'a lighthouse at dawn', answer = ANSWER.toLowerCase()): Promise<void> {
  await type(mounted.$<HTMLTextAreaElement>('#prompt'), prompt);
  await type(mounted.$<HTMLInputElement>('#answer'), answer);
  mounted.$('button[type=submit]').click();
  await tick();
}

/** A ready widget talking to `api`. */
export async function readyWidget(api: Api, attributes: Record<string, string> = {}): Promise<Mounted> {
  const mounted = mount({ api: api.url, ...attributes });
  await untilState(mounted, 'ready');
  return mounted;
}

/** The text of the widget's role="alert" messages. */
/** Opens "More options" as a visitor does: focus reaches it first, which fetches its fields (on demand). */
export async function openOptions(mounted: Mounted): Promise<void> {
  const summary = mounted.$('details.more summary');
  summary.dispatchEvent(new FocusEvent('focusin', { bubbles: true, composed: true }));
  summary.click();
  await until(() => expect(mounted.root.querySelector('#seed')).not.toBeNull());
}

export function alerts(mounted: Mounted): string[] {
  return mounted.$$('[role=alert]').map((element) => element.textContent ?? '');
}

/** The element focused inside the widget's shadow root. */
export function focused(mounted: Mounted): Element | null {
  return mounted.root.activeElement;
}

/**
 * A small localStorage quota: `setItem` throws a QuotaExceededError, as browsers do, once all
 * keys and values together would pass `limit` characters. Undone by the returned function.
 */
export function fakeQuota(storage: Storage, limit: () => number): () => void {
  const setItem = storage.setItem.bind(storage);
  Object.defineProperty(storage, 'setItem', {
    configurable: true,
    value(key: string, value: string) {
      let used = key.length + value.length;
      for (let i = 0; i < storage.length; i++) {
        const other = storage.key(i)!;
        if (other !== key) used += other.length + (storage.getItem(other) ?? '').length;
      }
      if (used > limit()) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      setItem(key, value);
    },
  });
  return () => Object.defineProperty(storage, 'setItem', { configurable: true, value: setItem });
}
