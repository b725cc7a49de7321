/**
 * Bytes a first visit to the home page transfers: every response's headers and (compressed)
 * body, counted by Chromium, until the network is idle. A fresh browser, so nothing is cached.
 */
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_FLAGS } from './chromium.js';

/** @param {string} url */
export async function measureHomePage(url) {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
  try {
    const page = await browser.newPage();
    const pending = [];
    page.on('requestfinished', (request) => {
      pending.push(request.sizes().then((size) => ({ url: request.url(), bytes: size.responseHeadersSize + size.responseBodySize })));
    });
    const response = await page.goto(url, { waitUntil: 'networkidle' });
    if (response?.status() !== 200) throw new Error(`home page answered ${response?.status()}`);
    const resources = (await Promise.all(pending)).map((r) => ({ ...r, url: new URL(r.url).pathname })).sort((a, b) => b.bytes - a.bytes);
    return { bytes: resources.reduce((sum, r) => sum + r.bytes, 0), resources };
  } finally {
    await browser.close();
  }
}
