import { rm } from 'node:fs/promises';
import type { Server } from '@hapi/hapi';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SiteManifest } from '../../api/site-manifest.js';
import { launchBrowser, recordRequests } from '../helpers/browser.js';
import { builtSiteWithWidget } from '../helpers/site.js';
import { collectErrors, makeImage, startImageka, widgetReady } from './browser-support.js';

let browser: Browser;
let siteDir: string | undefined;
let server: Server;
let origin: string;
let manifest: SiteManifest;

beforeAll(async () => {
  const site = await builtSiteWithWidget();
  siteDir = site.dir;
  manifest = site.manifest;
  server = await startImageka({ site: { dir: site.dir } });
  origin = server.info.uri;
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (siteDir) await rm(siteDir, { recursive: true, force: true });
});

describe('a visitor on imageka.com', () => {
  it('gets an image end to end; it stays in the history across a reload, and so does the theme', async () => {
    const context = await browser.newContext({ colorScheme: 'light' });
    const page = await context.newPage();
    const errors = collectErrors(page);
    await page.goto(`${origin}/`);

    const prompt = 'a red fox asleep in fresh snow';
    expect(await makeImage(page, prompt)).toEqual({ width: 1024, height: 1024 });
    const gallery = page.locator('imageka-widget .gallery');
    await gallery.getByRole('button', { name: prompt }).waitFor();

    await page.reload();
    await widgetReady(page);
    await gallery.getByRole('button', { name: prompt }).waitFor();

    // Follows the system by default, then the toggle wins, for the page and the widget alike.
    const theme = () => page.evaluate(() => document.documentElement.dataset.theme);
    const widgetTheme = () => page.locator('imageka-widget .root').getAttribute('data-theme');
    expect(await theme()).toBe('light');
    // The header button steps through the widget's three choices: Match system, Light, Dark, and back.
    await page.getByRole('button', { name: 'Colour theme: Match system' }).click();
    await page.getByRole('button', { name: 'Colour theme: Light' }).click();
    expect(await theme()).toBe('dark');
    await page.getByRole('button', { name: 'Colour theme: Dark' }).waitFor();
    await expect.poll(widgetTheme).toBe('dark');
    // The widget's own switch is hidden here: the header's is the page's one theme control.
    expect(await page.locator('imageka-widget [part=theme-switch]').isVisible()).toBe(false);

    // No flash: the stored theme is on <html> before <body> exists, so before any paint.
    await page.addInitScript(() => {
      new MutationObserver((_records, observer) => {
        if (!document.body) return;
        (window as unknown as { themeAtBody?: string | null }).themeAtBody = document.documentElement.getAttribute('data-theme');
        observer.disconnect();
      }).observe(document, { childList: true, subtree: true });
    });
    await page.reload();
    expect(await page.evaluate(() => (window as unknown as { themeAtBody?: string }).themeAtBody)).toBe('dark');
    await widgetReady(page);
    expect(await widgetTheme()).toBe('dark');
    await gallery.getByRole('button', { name: prompt }).waitFor();

    // Back to following the system, for the page and the widget alike.
    await page.getByRole('button', { name: 'Colour theme: Dark' }).click();
    expect(await page.evaluate(() => localStorage.getItem('imageka:theme'))).toBe('auto');
    expect(await theme()).toBe('light');
    await expect.poll(() => page.locator('imageka-widget').getAttribute('theme')).toBe('auto');
    await expect.poll(widgetTheme).toBe('light');

    expect(errors).toEqual([]);
    await context.close();
  });

  it('makes every request to our own origin, Inter included', async () => {
    const context = await browser.newContext();
    const requests = recordRequests(context);
    const page = await context.newPage();
    for (const path of [...Object.keys(manifest.pages), '/no-such-page']) {
      await page.goto(`${origin}${path}`);
      if (path === '/') await widgetReady(page);
    }
    await page.goto(`${origin}/`);
    await makeImage(page, 'a paper boat on a puddle');

    const foreign = requests.filter((url) => new URL(url).origin !== origin);
    expect(foreign).toEqual([]);
    expect(requests.some((url) => /\/assets\/inter-latin-wght-normal\.[0-9a-f]{10}\.woff2$/.test(url))).toBe(true);
    expect(requests).toContain(`${origin}/widget.js`);
    expect(requests).toContain(`${origin}/api/v1/generate`);
    await context.close();
  });
});
