import { readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Server } from '@hapi/hapi';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../helpers/browser.js';
import { builtSiteWithWidget, ROOT } from '../helpers/site.js';
import { startImageka, widgetReady } from './browser-support.js';

/** Every page the build makes (one per fragment, index at /), and a missing one for the 404 page. */
const PATHS = readdirSync(join(ROOT, 'site/pages'))
  .filter((file) => file.endsWith('.html') && file !== '404.html')
  .map((file) => (file === 'index.html' ? '/' : `/${file.slice(0, -'.html'.length)}`))
  .concat('/no-such-page');

let browser: Browser;
let siteDir: string | undefined;
let server: Server;

beforeAll(async () => {
  const site = await builtSiteWithWidget();
  siteDir = site.dir;
  expect([...Object.keys(site.manifest.pages), '/no-such-page'].sort()).toEqual([...PATHS].sort());
  server = await startImageka({ site: { dir: site.dir } });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (siteDir) await rm(siteDir, { recursive: true, force: true });
});

for (const colorScheme of ['light', 'dark'] as const) {
  describe(`axe finds no violation in the ${colorScheme} theme (inside the widget too)`, () => {
    let context: BrowserContext;
    let page: Page;
    beforeAll(async () => {
      context = await browser.newContext({ colorScheme });
      page = await context.newPage();
    });
    afterAll(() => context?.close());

    it.each(PATHS)('on %s', async (path) => {
      await page.goto(`${server.info.uri}${path}`);
      expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe(colorScheme);
      if (path === '/') await widgetReady(page);
      const { violations, passes } = await new AxeBuilder({ page }).analyze();
      expect(passes.length).toBeGreaterThan(10);
      const found = violations.map(
        (violation) => `${violation.id} (${violation.help}) at ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`,
      );
      expect(found).toEqual([]);
    });
  });
}
