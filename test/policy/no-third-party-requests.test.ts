/**
 * The server-side half of claim 9. The browser half, every request a real Chromium makes from our
 * pages going to our own origin, is test/site/browser-home.test.ts ("makes every request to our
 * own origin, Inter included").
 */
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { Server } from '@hapi/hapi';
import { Window } from 'happy-dom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SiteManifest } from '../../api/site-manifest.js';
import { testServer } from '../helpers/server.js';
import { buildTestSite, WIDGET_BUNDLE } from '../helpers/site.js';

const ORIGIN = 'http://imageka.test';
/** CSP directives that make the browser fetch something. */
const FETCH_DIRECTIVES = ['default-src', 'script-src', 'style-src', 'img-src', 'font-src', 'connect-src', 'media-src', 'object-src', 'frame-src', 'child-src', 'worker-src', 'manifest-src', 'form-action'];
/** Attributes that load something, with the elements that carry them. */
const LOADING = 'script[src], link[href], img[src], img[srcset], source[src], source[srcset], iframe[src], embed[src], object[data], video[src], video[poster], audio[src], track[src], form[action], input[src]';

let site: { dir: string; manifest: SiteManifest };
let server: Server;
beforeAll(async () => {
  site = await buildTestSite({ widgetFile: existsSync(WIDGET_BUNDLE) ? WIDGET_BUNDLE : null });
  server = await testServer({ site: { dir: site.dir } });
});
afterAll(async () => {
  await server.stop();
  await rm(site.dir, { recursive: true, force: true });
});

/** Whether `url`, written in a page or stylesheet of ours, stays on our origin. */
function sameOrigin(url: string): boolean {
  const trimmed = url.trim();
  if (/^(data|blob):/i.test(trimmed)) return true;
  return new URL(trimmed, `${ORIGIN}/`).origin === ORIGIN;
}

const pagePaths = () => [...Object.keys(site.manifest.pages), '/a-page-that-does-not-exist'];

describe('Claim 9: our pages make no third-party requests', () => {
  it('serves every page with a CSP that lets the browser fetch from our own origin only', async () => {
    for (const path of pagePaths()) {
      const csp = String((await server.inject(path)).headers['content-security-policy']);
      const directives = new Map(csp.split(';').map((part) => part.trim().split(/\s+/)).map(([name, ...sources]) => [name!, sources]));
      expect(directives.get('default-src'), path).toEqual(["'none'"]);
      for (const name of FETCH_DIRECTIVES) {
        for (const source of directives.get(name) ?? []) expect(["'self'", "'none'", 'data:', 'blob:'], `${path} ${name}`).toContain(source);
      }
    }
  });

  it('loads scripts, styles, fonts and images in every page from our own origin', async () => {
    let loads = 0;
    for (const path of pagePaths()) {
      const html = (await server.inject(path)).payload;
      const document = new new Window().DOMParser().parseFromString(html, 'text/html');
      for (const element of document.querySelectorAll(LOADING)) {
        for (const name of ['src', 'href', 'data', 'action', 'poster']) {
          const url = element.getAttribute(name);
          if (url === null) continue;
          loads += 1;
          expect(sameOrigin(url), `${path}: <${element.tagName.toLowerCase()} ${name}="${url}">`).toBe(true);
        }
        for (const candidate of (element.getAttribute('srcset') ?? '').split(',').filter((part) => part.trim())) {
          expect(sameOrigin(candidate.trim().split(/\s+/)[0]!), `${path}: srcset ${candidate}`).toBe(true);
        }
      }
      expect(html, path).not.toMatch(/http-equiv=["']?refresh/i);
    }
    expect(loads).toBeGreaterThan(pagePaths().length);
  });

  it('refers only to our own files from the stylesheets (fonts included)', async () => {
    const stylesheets = site.manifest.assets.filter((name) => name.endsWith('.css'));
    expect(stylesheets.length).toBeGreaterThan(0);
    for (const name of stylesheets) {
      const css = (await server.inject(`/assets/${name}`)).payload;
      const urls = [...css.matchAll(/url\(\s*(['"]?)([^'")]+)\1\s*\)/g)].map((match) => match[2]!);
      const imports = [...css.matchAll(/@import\s+(?:url\()?\s*['"]?([^'")\s;]+)/g)].map((match) => match[1]!);
      expect(urls.some((url) => /\.woff2$/.test(url)), `${name} self-hosts its fonts`).toBe(true);
      for (const url of [...urls, ...imports]) {
        expect(sameOrigin(url), `${name}: ${url}`).toBe(true);
        if (!url.startsWith('data:')) expect((await server.inject(new URL(url, `${ORIGIN}/assets/`).pathname)).statusCode, url).toBe(200);
      }
    }
  });
});
