import { rm } from 'node:fs/promises';
import type { Server } from '@hapi/hapi';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../helpers/browser.js';
import { builtSiteWithWidget } from '../helpers/site.js';
import { CAPTCHA_ANSWER, collectErrors, makeImage, startHostPage, startImageka, widgetReady } from './browser-support.js';

/** Issue 17: the widget as visitors meet it, in real Chromium. */
let browser: Browser;
let siteDir: string | undefined;
let server: Server;
let origin: string;

beforeAll(async () => {
  const site = await builtSiteWithWidget();
  siteDir = site.dir;
  server = await startImageka({ site: { dir: site.dir }, captchaPerMinute: 100 });
  origin = server.info.uri;
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (siteDir) await rm(siteDir, { recursive: true, force: true });
});

const hostPage = (css: string, width: number) => `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Host</title><link rel="icon" href="data:,"><style>body { margin: 0 } ${css}</style></head>
<body><div style="width: ${width}px"><imageka-widget api="${origin}"></imageka-widget></div>
<script src="${origin}/widget.js" defer></script></body>
</html>`;

/** Computed sizes and layout inside the widget: what a host's stylesheet must not change. */
function measure(page: Page) {
  return page.evaluate(() => {
    const root = document.querySelector('imageka-widget')!.shadowRoot!;
    const font = (selector: string) => getComputedStyle(root.querySelector(selector)!).fontSize;
    const box = (selector: string) => {
      const { width, height } = root.querySelector(selector)!.getBoundingClientRect();
      return [Math.round(width), Math.round(height)];
    };
    return {
      fonts: ['.title', '.label', '.hint', '#prompt', '[part=generate]', '.chip', '.segment > span', 'h3'].map(font),
      columns: getComputedStyle(root.querySelector('.columns')!).gridTemplateColumns.split(' ').length,
      root: box('.root'),
      prompt: box('#prompt'),
      ratios: [...root.querySelectorAll('[part=ratio] .segment')].map((segment) => Math.round(segment.getBoundingClientRect().top)),
    };
  });
}

describe('sizing does not depend on the host page', () => {
  for (const width of [320, 1000]) {
    it(`in a ${width} px container: fonts and layout match a neutral host under hostile rules`, async () => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      const results: Record<string, Awaited<ReturnType<typeof measure>>> = {};
      for (const [name, css] of [
        ['neutral', ''],
        ['root 10px', 'html { font-size: 10px }'],
        ['root 24px', 'html { font-size: 24px }'],
        ['inline host', 'imageka-widget { display: inline }'],
      ] as const) {
        const host = await startHostPage(hostPage(css, width));
        try {
          await page.goto(`${host.origin}/`);
          await widgetReady(page);
          results[name] = await measure(page);
        } finally {
          await host.close();
        }
      }
      const neutral = results.neutral!;
      for (const name of ['root 10px', 'root 24px', 'inline host']) expect(results[name], name).toEqual(neutral);
      expect(neutral.root[0]).toBe(width);
      expect(neutral.columns).toBe(width === 1000 ? 2 : 1);
      expect(neutral.fonts[3]).toBe('16px');
      // Five ratio chips: one row, or three and two, never one alone on a line.
      const rows = [...new Set(neutral.ratios)].map((top) => neutral.ratios.filter((other) => other === top).length);
      expect(rows.every((count) => count >= 2)).toBe(true);
      await context.close();
    });
  }
});

describe('on a desktop', () => {
  it('a wrong answer: the message is in view next to the answer field, which has the focus; the image made before stays', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    const errors = collectErrors(page);
    await page.goto(`${origin}/`);
    await makeImage(page, 'a paper boat on a pond');
    await widgetReady(page);
    await page.getByLabel('Captcha answer', { exact: true }).fill('WRONG');
    await page.getByRole('button', { name: 'Generate', exact: true }).click();
    const alert = page.locator('imageka-widget #answer-problem [role=alert]');
    await alert.waitFor();
    expect(await alert.textContent()).toBe('That captcha answer was not right. Here is a new one: try again.');
    const [message, field] = [await alert.boundingBox(), await page.locator('imageka-widget #answer').boundingBox()];
    expect(message!.y).toBeGreaterThanOrEqual(0);
    expect(message!.y + message!.height).toBeLessThanOrEqual(900);
    expect(message!.y - (field!.y + field!.height)).toBeLessThan(120);
    expect(message!.y).toBeGreaterThan(field!.y);
    expect(await page.evaluate(() => document.querySelector('imageka-widget')!.shadowRoot!.activeElement?.id)).toBe('answer');
    expect(await page.getByAltText('Generated image: a paper boat on a pond', { exact: true }).isVisible()).toBe(true);
    expect(await page.getByLabel('Describe your image', { exact: true }).inputValue()).toBe('a paper boat on a pond');
    await page.screenshot({ path: '/tmp/imageka-error-desktop.png' });
    // The console has nothing to say about a wrong answer.
    expect(errors.filter((text) => !text.includes('403'))).toEqual([]);
    await context.close();
  });

  it('history: a tile opens a larger view by keyboard; Esc closes it and the focus returns to the tile', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${origin}/`);
    await makeImage(page, 'a lantern in the fog');
    const tile = page.locator('imageka-widget .tile').first();
    await tile.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'a lantern in the fog' });
    await dialog.waitFor();
    expect(await dialog.getByRole('img', { name: 'Generated image: a lantern in the fog' }).isVisible()).toBe(true);
    expect(await dialog.locator('dl').textContent()).toMatch(/Size1024 × 1024Seed\d+Made.+/);
    for (const name of ['Download', 'Copy', 'Use this prompt again', 'Delete', 'Close']) {
      expect(await dialog.getByRole(name === 'Download' ? 'link' : 'button', { name, exact: true }).isVisible(), name).toBe(true);
    }
    await page.screenshot({ path: '/tmp/imageka-history-dialog.png' });
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await tile.evaluate((element) => element.getRootNode() instanceof ShadowRoot && (element.getRootNode() as ShadowRoot).activeElement === element)).toBe(true);
    await context.close();
  });

  it('the Generate button is visible without scrolling when the home page opens', async () => {
    for (const viewport of [{ width: 1440, height: 900 }, { width: 390, height: 844 }]) {
      const context = await browser.newContext({ viewport, ...(viewport.width < 500 ? { isMobile: true, hasTouch: true } : {}) });
      const page = await context.newPage();
      await page.goto(`${origin}/`);
      await widgetReady(page);
      const box = await page.getByRole('button', { name: 'Generate', exact: true }).boundingBox();
      expect(box!.y + box!.height, `${viewport.width}×${viewport.height}`).toBeLessThanOrEqual(viewport.height);
      await context.close();
    }
  });
});

describe('on a phone', () => {
  it('touch targets are at least 44 × 44 px, there is no keyboard hint, and the result lands below the sticky header', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    await page.goto(`${origin}/`);
    await widgetReady(page);
    const small = await page.evaluate(() => {
      const root = document.querySelector('imageka-widget')!.shadowRoot!;
      const targets = [...root.querySelectorAll<HTMLElement>('button, summary, .segment > span')].filter((element) => element.getClientRects().length > 0);
      return targets
        .map((element) => ({ text: element.textContent || element.getAttribute('aria-label'), ...element.getBoundingClientRect().toJSON() }))
        .filter(({ width, height }) => width < 44 || height < 44);
    });
    expect(small).toEqual([]);
    expect(await page.locator('imageka-widget .kbd').isVisible()).toBe(false);
    await page.getByLabel('Describe your image', { exact: true }).fill('a kite over the dunes');
    await page.getByLabel('Captcha answer', { exact: true }).fill(CAPTCHA_ANSWER);
    await page.getByRole('button', { name: 'Generate', exact: true }).click();
    await page.getByAltText('Generated image: a kite over the dunes', { exact: true }).waitFor();
    const header = await page.locator('.site-header').boundingBox();
    const heading = await page.locator('imageka-widget #output-heading').boundingBox();
    expect(heading!.y).toBeGreaterThanOrEqual(header!.y + header!.height);
    await context.close();
  });
});

describe('/developers on a phone', () => {
  it('tables and code cards fit the screen: nothing is cut off or scrolls sideways', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    await page.goto(`${origin}/developers`);
    const overflowing = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('.table-scroll, pre')].filter((element) => element.scrollWidth > element.clientWidth + 1).map((element) => element.getAttribute('aria-label') ?? element.id),
    );
    expect(overflowing).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: '/tmp/imageka-developers-390.png', fullPage: false });
    await context.close();
  });
});

describe('screenshots of the home page', () => {
  it('are taken at both sizes in both themes', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      for (const viewport of [{ width: 1440, height: 900 }, { width: 390, height: 844 }]) {
        const context = await browser.newContext({ viewport, colorScheme, ...(viewport.width < 500 ? { isMobile: true, hasTouch: true } : {}) });
        const page = await context.newPage();
        await page.goto(`${origin}/`);
        await widgetReady(page);
        const theme = await page.locator('imageka-widget .root').getAttribute('data-theme');
        expect(theme).toBe(colorScheme);
        await page.screenshot({ path: `/tmp/imageka-home-${viewport.width}-${colorScheme}.png` });
        await context.close();
      }
    }
  });
});
