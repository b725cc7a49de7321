// @vitest-environment happy-dom
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Server } from '@hapi/hapi';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createServer } from '../../api/server.js';
import { fixedCaptcha } from '../helpers/server.js';
import { ROOT, WIDGET_BUNDLE } from '../helpers/site.js';

/** The two keys the policy names (the Cookie Policy: "names starting with imageka:"). */
const ALLOWED_KEYS = ['imageka:history', 'imageka:theme'];

/** Code naming any of these could keep data or reach the network some other way. */
const FORBIDDEN = ['indexedDB', 'sessionStorage', 'document.cookie', 'caches.', 'openDatabase', 'XMLHttpRequest', 'WebSocket', 'EventSource', 'sendBeacon', 'BroadcastChannel', 'Worker('];

/** Everything the widget did with storage and the network, recorded before it loads. */
const seen = { requests: [] as string[], localWrites: [] as string[], sessionWrites: [] as string[], cookieWrites: 0, otherApis: [] as string[] };

function record(): void {
  const realFetch = globalThis.fetch;
  globalThis.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    seen.requests.push(input instanceof Request ? input.url : String(input));
    return realFetch(input, init);
  };
  const setItem = Storage.prototype.setItem;
  Storage.prototype.setItem = function (this: Storage, key: string, value: string) {
    (this === sessionStorage ? seen.sessionWrites : seen.localWrites).push(key);
    return setItem.call(this, key, value);
  };
  const cookie = Object.getOwnPropertyDescriptor(Document.prototype, 'cookie');
  Object.defineProperty(Document.prototype, 'cookie', {
    configurable: true,
    get() {
      return cookie?.get?.call(this) ?? '';
    },
    set(value: string) {
      seen.cookieWrites += 1;
      cookie?.set?.call(this, value);
    },
  });
  // Any other way to keep data or reach the network counts as a breach as soon as it is touched.
  for (const name of ['indexedDB', 'caches', 'openDatabase', 'XMLHttpRequest', 'WebSocket', 'EventSource', 'BroadcastChannel', 'SharedWorker', 'Worker']) {
    Object.defineProperty(globalThis, name, {
      configurable: true,
      get() {
        seen.otherApis.push(name);
        return undefined;
      },
    });
  }
  navigator.sendBeacon = () => {
    seen.otherApis.push('sendBeacon');
    return false;
  };
}

let api: Server;
let origin: string;
let widget: HTMLElement;

beforeAll(async () => {
  api = await createServer({ host: '127.0.0.1', port: 0, captcha: fixedCaptcha('ACDEH'), maxEventLoopDelayMs: 0, site: false });
  await api.start();
  origin = api.info.uri;
  record();
  await import('../../widget/index.js');
  widget = document.createElement('imageka-widget');
  widget.setAttribute('api', origin);
  const ready = new Promise((resolve) => widget.addEventListener('imageka:ready', resolve, { once: true }));
  document.body.append(widget);
  await ready;
  const part = <E extends Element>(name: string) => widget.shadowRoot!.querySelector<E>(`[part~="${name}"]`)!;
  await vi.waitFor(() => expect(part<HTMLInputElement>('answer')?.disabled).toBe(false), { timeout: 10_000 });
  for (const [name, value] of [['prompt', 'a lighthouse at dawn'], ['answer', 'acdeh']] as const) {
    const field = part<HTMLInputElement>(name);
    field.value = value;
    field.dispatchEvent(new Event('input', { bubbles: true }));
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  const image = new Promise((resolve) => widget.addEventListener('imageka:image', resolve, { once: true }));
  part<HTMLButtonElement>('generate').click();
  await image;
  await vi.waitFor(() => expect(localStorage.getItem('imageka:history')).not.toBeNull(), { timeout: 10_000 });
  part<HTMLElement>('theme-switch').querySelector<HTMLInputElement>('input[value="dark"]')!.click();
  await vi.waitFor(() => expect(localStorage.getItem('imageka:theme')).toBe('dark'));
}, 60_000);

afterAll(async () => {
  widget?.remove();
  await api?.stop();
});

describe("Claim 8: generated images and the theme choice live only in the browser's Web Storage; the widget persists nothing else and contacts nothing but the API", () => {
  it('keeps the image history and the theme in localStorage, under imageka: keys only', () => {
    expect(Object.keys(localStorage).sort()).toEqual(ALLOWED_KEYS);
    expect([...new Set(seen.localWrites)].sort()).toEqual(ALLOWED_KEYS);
    const history = JSON.parse(localStorage.getItem('imageka:history')!) as { image: string }[];
    expect(history).toHaveLength(1);
    expect(history[0]!.image).toMatch(/^data:image\//);
  });

  it('writes no cookie, no sessionStorage and touches no other storage or network API', () => {
    expect(seen.sessionWrites).toEqual([]);
    expect(sessionStorage.length).toBe(0);
    expect(seen.cookieWrites).toBe(0);
    expect(seen.otherApis).toEqual([]);
  });

  it('sends every request to the API, and shows images from data: or blob: URLs only', () => {
    expect(seen.requests.length).toBeGreaterThanOrEqual(2);
    for (const url of seen.requests) expect(new URL(url).origin, url).toBe(origin);
    for (const image of widget.shadowRoot!.querySelectorAll('img')) expect(image.getAttribute('src') ?? '', 'img').toMatch(/^(data|blob):/);
  });

  it('ships a bundle, and site scripts, that name no other storage or network API', async () => {
    expect(existsSync(WIDGET_BUNDLE), `${WIDGET_BUNDLE} is missing: run "npm run build" (npm test does it first)`).toBe(true);
    const scripts = (await readdir(join(ROOT, 'site/scripts'))).map((name) => join(ROOT, 'site/scripts', name));
    for (const file of [WIDGET_BUNDLE, ...scripts]) {
      const code = await readFile(file, 'utf8');
      for (const name of FORBIDDEN) expect(code.includes(name), `${file}: ${name}`).toBe(false);
    }
  });

  it("lets the site's own script keep only the theme", async () => {
    const code = await readFile(join(ROOT, 'site/scripts/site.js'), 'utf8');
    expect(new Set([...code.matchAll(/['"](imageka:[\w-]+)['"]/g)].map((match) => match[1]))).toEqual(new Set(['imageka:theme']));
    expect(code.match(/localStorage\.setItem\(/g)).toHaveLength(1);
  });
});
