import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Server } from '@hapi/hapi';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../widget/languages.js';
import { launchBrowser } from '../helpers/browser.js';
import { builtSiteWithWidget, ROOT } from '../helpers/site.js';
import { collectErrors, startHostPage, startImageka, strictCsp } from './browser-support.js';

/**
 * The widget in every language it speaks, embedded on another site (http://127.0.0.1:P1, the
 * widget and API on http://localhost:P2): each language file arrives from the widget's origin,
 * fits a 320 px column, and right-to-left languages lay out mirrored.
 */
let browser: Browser;
let siteDir: string | undefined;
let imageka: Server;
let api: string;
/** Screenshots for a person to look at (ar, he), not compared by the test. */
const SHOTS = join(ROOT, '.tmp/screenshots');

beforeAll(async () => {
  const site = await builtSiteWithWidget();
  siteDir = site.dir;
  imageka = await startImageka({ site: { dir: site.dir }, crossSite: true });
  api = `http://localhost:${imageka.info.port}`;
  browser = await launchBrowser();
  await mkdir(SHOTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await imageka?.stop();
  if (siteDir) await rm(siteDir, { recursive: true, force: true });
});

/** A host page with the widget; `lang` is the element's attribute, if any. No inline styles: the strict CSP below forbids them. */
const hostPage = ({ lang, pageLang = 'en' }: { lang?: string; pageLang?: string }) => `<!doctype html>
<html lang="${pageLang}">
<head><meta charset="utf-8"><title>A host</title><link rel="icon" href="data:,"></head>
<body>
<main>
<h1>A host page</h1>
<script src="${api}/widget.js" defer></script>
<imageka-widget api="${api}"${lang === undefined ? '' : ` lang="${lang}"`}></imageka-widget>
</main>
</body>
</html>`;

/** The body's default 8 px margins on both sides leave the widget `width` px. */
const viewportFor = (width: number) => ({ width: width + 16, height: 900 });


/** The language and direction the widget's root says it shows, once the captcha is there. */
async function shown(page: Page): Promise<{ lang: string; dir: string; title: string }> {
  const root = page.locator('imageka-widget [part=root]');
  await page.locator('imageka-widget [part=captcha-image] img').waitFor({ timeout: 15_000 });
  return root.evaluate((element: HTMLElement) => ({ lang: element.lang, dir: element.dir, title: element.querySelector('.title')?.textContent ?? '' }));
}

async function open(html: string, options: { locale?: string; csp?: string; width?: number } = {}) {
  const host = await startHostPage(html, options.csp ? { 'content-security-policy': options.csp } : {});
  const context = await browser.newContext({ viewport: viewportFor(options.width ?? 320), ...(options.locale ? { locale: options.locale } : {}) });
  const page = await context.newPage();
  const errors = collectErrors(page);
  await page.goto(`${host.origin}/`);
  return {
    page,
    errors,
    close: async () => {
      await context.close();
      await host.close();
    },
  };
}

/** Waits until the root shows `lang` (English comes first, the language's file after). */
async function untilLanguage(page: Page, lang: string): Promise<void> {
  await page.waitForFunction((wanted) => document.querySelector('imageka-widget')?.shadowRoot?.querySelector<HTMLElement>('[part=root]')?.lang === wanted, lang, {
    timeout: 15_000,
  });
}

/**
 * Controls and texts that stick out of the widget, or whose text is cut: buttons and chips wider
 * inside than their box. The start-point chips scroll sideways by design and are left out.
 */
function overflowing(page: Page): Promise<string[]> {
  return page.locator('imageka-widget').evaluate((host) => {
    const root = host.shadowRoot!.querySelector<HTMLElement>('[part=root]')!;
    const box = root.getBoundingClientRect();
    const problems: string[] = [];
    for (const element of root.querySelectorAll<HTMLElement>('*')) {
      if (element.closest('.starters') || element.closest('.sr-only') || element.getClientRects().length === 0) continue;
      const rect = element.getBoundingClientRect();
      const name = `${element.tagName.toLowerCase()}.${element.className || ''} "${(element.textContent ?? '').trim().slice(0, 30)}"`;
      if (rect.right > box.right + 1 || rect.left < box.left - 1) problems.push(`${name} sticks out (${Math.round(rect.left)}–${Math.round(rect.right)} of ${Math.round(box.left)}–${Math.round(box.right)})`);
      if (element.matches('button, .chip, .segment > span, summary, label') && element.scrollWidth > element.clientWidth + 1) {
        problems.push(`${name} is cut (${element.scrollWidth} > ${element.clientWidth})`);
      }
    }
    return problems;
  });
}

describe('the widget in every language', () => {
  it.each(LANGUAGES)('%s: shown whole at 320 px, under a strict host CSP, with the right lang and dir', async (lang) => {
    const { page, errors, close } = await open(hostPage({ lang }), { csp: strictCsp(api) });
    try {
      await untilLanguage(page, lang);
      const { dir, title } = await shown(page);
      expect(dir).toBe(lang === 'ar' || lang === 'he' ? 'rtl' : 'ltr');
      if (lang !== 'en') expect(title).not.toBe('Create an image');
      // More options opens on-demand fields: they must fit too.
      await page.locator('imageka-widget summary').click();
      await page.locator('imageka-widget #seed').waitFor();
      expect(await overflowing(page)).toEqual([]);
      expect(errors).toEqual([]);
      if (lang === 'ar' || lang === 'he') await page.screenshot({ path: join(SHOTS, `widget-${lang}-320.png`), fullPage: true });
    } finally {
      await close();
    }
  });

  it.each([
    ['pt-PT', 'pt-BR'],
    ['de-CH', 'de'],
    ['EN-gb', 'en'],
    ['zh-Hant-TW', 'en'],
    ['not a tag', 'en'],
  ])('lang="%s" shows %s', async (attribute, expected) => {
    const { page, close } = await open(hostPage({ lang: attribute }));
    try {
      await untilLanguage(page, expected);
      expect((await shown(page)).lang).toBe(expected);
    } finally {
      await close();
    }
  });

  it('lang="auto" follows the browser languages', async () => {
    const { page, close } = await open(hostPage({ lang: 'auto' }), { locale: 'fr-CA' });
    try {
      await untilLanguage(page, 'fr');
    } finally {
      await close();
    }
  });

  it("without the attribute, the page's <html lang> decides, and a change of lang switches at once", async () => {
    const { page, close } = await open(hostPage({ pageLang: 'ja' }));
    try {
      await untilLanguage(page, 'ja');
      await page.locator('imageka-widget').evaluate((element) => element.setAttribute('lang', 'he'));
      await untilLanguage(page, 'he');
      expect((await shown(page)).dir).toBe('rtl');
    } finally {
      await close();
    }
  });

  it.each(['ar', 'ja'])('axe finds no violation in %s', async (lang) => {
    const { page, close } = await open(hostPage({ lang }), { width: 1000 });
    try {
      await untilLanguage(page, lang);
      await shown(page);
      const { violations } = await new AxeBuilder({ page }).analyze();
      expect(violations.map((violation) => `${violation.id} at ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`)).toEqual([]);
      if (lang === 'ar') await page.screenshot({ path: join(SHOTS, 'widget-ar-1000.png'), fullPage: true });
    } finally {
      await close();
    }
  });
});
