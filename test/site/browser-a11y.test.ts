import { AxeBuilder } from '@axe-core/playwright';
import type { Server } from '@hapi/hapi';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SiteManifest } from '../../api/plugins/static-site.js';
import { launchBrowser } from '../helpers/browser.js';
import { builtSiteWithWidget } from '../helpers/site.js';
import { startImageka, widgetReady } from './browser-support.js';

let browser: Browser;
let server: Server;
let manifest: SiteManifest;

beforeAll(async () => {
  const site = await builtSiteWithWidget();
  manifest = site.manifest;
  server = await startImageka({ site: { dir: site.dir } });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('accessibility (axe, inside the widget too)', () => {
  for (const colorScheme of ['light', 'dark'] as const) {
    it(`finds no violation on any page in the ${colorScheme} theme`, async () => {
      const context = await browser.newContext({ colorScheme });
      const page = await context.newPage();
      const found: string[] = [];
      for (const path of [...Object.keys(manifest.pages), '/no-such-page']) {
        await page.goto(`${server.info.uri}${path}`);
        expect(await page.evaluate(() => document.documentElement.dataset.theme), path).toBe(colorScheme);
        if (path === '/') await widgetReady(page);
        const { violations, passes } = await new AxeBuilder({ page }).analyze();
        expect(passes.length, path).toBeGreaterThan(10);
        for (const violation of violations) {
          found.push(`${path}: ${violation.id} (${violation.help}) at ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
        }
      }
      expect(found).toEqual([]);
      await context.close();
    });
  }
});
