import { rm } from 'node:fs/promises';
import type { Server } from '@hapi/hapi';
import type { IncomingMessage } from 'node:http';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_HEADER } from '../../sdk/types.js';
import { launchBrowser, withCookiesBlocked } from '../helpers/browser.js';
import { builtSiteWithWidget } from '../helpers/site.js';
import { collectErrors, makeImage, startHostPage, startImageka, strictCsp } from './browser-support.js';

/**
 * A stranger's page on http://127.0.0.1:P1 embeds the widget from http://localhost:P2. Those are
 * different sites (two ports of one host would be the same site and hide cookie trouble).
 */
let browser: Browser;
let siteDir: string | undefined;
let imageka: Server;
let api: string;
/** Each generate request's session headers as they reached the server, before hapi reads them. */
const arrived: { cookie?: string; session?: string }[] = [];

beforeAll(async () => {
  const site = await builtSiteWithWidget();
  siteDir = site.dir;
  imageka = await startImageka({ site: { dir: site.dir }, crossSite: true });
  api = `http://localhost:${imageka.info.port}`;
  imageka.listener.prependListener('request', (request: IncomingMessage) => {
    if (request.method !== 'POST' || request.url !== '/api/v1/generate') return;
    const session = request.headers[SESSION_HEADER.toLowerCase()];
    arrived.push({ cookie: request.headers.cookie, session: typeof session === 'string' ? session : undefined });
  });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await imageka?.stop();
  if (siteDir) await rm(siteDir, { recursive: true, force: true });
});

/** The snippet from the Developers page, on an otherwise ordinary page. */
const hostPage = () => `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>A cooking blog</title><link rel="icon" href="data:,"></head>
<body>
<h1>Soup of the day</h1>
<script src="${api}/widget.js" defer></script>
<imageka-widget api="${api}"></imageka-widget>
</body>
</html>`;


/** Embeds, makes an image, and returns the session headers its generate request arrived with. */
async function embedAndGenerate(context: BrowserContext, headers: Record<string, string> = {}): Promise<{ cookie?: string; session?: string }> {
  const host = await startHostPage(hostPage(), headers);
  try {
    const page = await context.newPage();
    const errors = collectErrors(page);
    await page.goto(`${host.origin}/`);
    arrived.length = 0;
    expect(await makeImage(page, 'a teapot shaped like a whale')).toEqual({ width: 1024, height: 1024 });
    expect(errors).toEqual([]);
    expect(arrived).toHaveLength(1);
    return arrived[0]!;
  } finally {
    await host.close();
  }
}

describe('the widget embedded on another site', () => {
  it('makes an image with the partitioned session cookie', async () => {
    const context = await browser.newContext();
    const { cookie } = await embedAndGenerate(context);
    expect(cookie).toMatch(/^imageka_session=Fe26\.2\*/);
    const [stored] = await context.cookies(api);
    expect(stored).toMatchObject({ name: 'imageka_session', httpOnly: true, secure: true, sameSite: 'None', expires: -1 });
    await context.close();
  });

  it('makes an image under a strict CSP without unsafe-inline', async () => {
    const context = await browser.newContext();
    const csp = strictCsp(api);
    expect(csp).not.toContain('unsafe');
    await embedAndGenerate(context, { 'content-security-policy': csp });
    await context.close();
  });

  it('makes an image with every cookie blocked, through the session header', async () => {
    await withCookiesBlocked(async (context) => {
      const { cookie, session } = await embedAndGenerate(context, { 'content-security-policy': strictCsp(api) });
      expect(cookie).toBeUndefined();
      expect(session).toMatch(/^Fe26\.2\*/);
      expect(await context.cookies()).toEqual([]);
    });
  });
});
