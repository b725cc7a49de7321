import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Window } from 'happy-dom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiDocument } from '../../api/openapi.js';
import type { SiteManifest } from '../../api/site-manifest.js';
import { AssetSet } from '../../site/build/assets.js';
import { ERROR_CODES } from '../../sdk/types.js';
import { buildTestSite, ROOT } from '../helpers/site.js';

let site: { dir: string; manifest: SiteManifest };
const pages = new Map<string, Document>();
const cleanups: string[] = [];

beforeAll(async () => {
  site = await buildTestSite({ widgetFile: null });
  cleanups.push(site.dir);
  const files = { ...site.manifest.pages, '/404': site.manifest.notFound };
  for (const [path, file] of Object.entries(files)) {
    const window = new Window();
    const document = new window.DOMParser().parseFromString(await readFile(join(site.dir, file), 'utf8'), 'text/html');
    pages.set(path, document as unknown as Document);
  }
});

afterAll(async () => {
  for (const dir of cleanups) await rm(dir, { recursive: true, force: true });
});

const page = (path: string) => pages.get(path)!;
const all = (document: Document, selector: string) => [...document.querySelectorAll(selector)];

/** The claim markers issue 7's "How we check this" maps to tests; changing them breaks that link. */
const PRIVACY_CLAIMS = [
  'access-logs',
  'browser-storage-only',
  'captcha-single-use',
  'cookie-only-session',
  'images-no-metadata',
  'no-account',
  'no-prompt-in-logs',
  'no-third-party-requests',
  'prompts-not-stored',
  'rate-limit-48h',
];
const COOKIE_CLAIMS = ['browser-storage-only', 'captcha-single-use', 'cookie-only-session'];

describe('every page', () => {
  it('has a title, a description, a language, one h1 and the shared header and footer', () => {
    expect([...pages.keys()].sort()).toEqual(['/', '/404', '/cookies', '/developers', '/how-we-check', '/privacy', '/terms']);
    for (const [path, document] of pages) {
      expect(document.documentElement.getAttribute('lang'), path).toBe('en');
      expect(document.title, path).toMatch(/IMAGEKA/);
      expect(document.querySelector('meta[name="description"]')?.getAttribute('content')?.length, path).toBeGreaterThan(30);
      expect(all(document, 'h1'), path).toHaveLength(1);
      expect(document.querySelector('header nav a[href="/privacy"]'), path).not.toBeNull();
      expect(document.querySelector('header button.theme-toggle .icon-auto'), path).not.toBeNull();
      expect(document.querySelector('footer a[href="mailto:contact@imageka.com"]')?.textContent, path).toBe('contact@imageka.com');
      expect(all(document, 'footer a').map((a) => a.getAttribute('href')), path).toEqual(
        expect.arrayContaining(['/privacy', '/cookies', '/terms', '/developers']),
      );
      expect(document.querySelector('a.skip-link[href="#main"]') && document.getElementById('main'), path).not.toBeNull();
    }
  });

  it('holds no inline script, style or event handler (the CSP would block them)', () => {
    for (const [path, document] of pages) {
      expect(all(document, 'script:not([src])'), path).toEqual([]);
      expect(all(document, 'style'), path).toEqual([]);
      const attributes = all(document, '*').flatMap((element) => [...element.attributes].map((attribute) => attribute.name));
      expect(attributes.filter((name) => name === 'style' || name.startsWith('on')), path).toEqual([]);
    }
  });

  it('links and loads only our own files, which all exist', () => {
    const assets = new Set(site.manifest.assets.map((name) => `/assets/${name}`));
    const known = new Set([...Object.keys(site.manifest.pages), ...assets, '/widget.js', '/api/v1/openapi.json']);
    for (const [path, document] of pages) {
      for (const element of all(document, '[src], [href]')) {
        const url = element.getAttribute('src') ?? element.getAttribute('href')!;
        if (url === 'mailto:contact@imageka.com') continue;
        if (url.startsWith('#')) {
          expect(document.getElementById(url.slice(1)), `${path} ${url}`).not.toBeNull();
          continue;
        }
        expect(known.has(url.split('#')[0]!), `${path} ${url}`).toBe(true);
      }
    }
  });

  it('loads its stylesheet and the theme script from hashed assets, the script before first paint', () => {
    for (const [path, document] of pages) {
      const stylesheet = document.querySelector('head link[rel="stylesheet"]')?.getAttribute('href');
      expect(stylesheet, path).toMatch(/^\/assets\/site\.[0-9a-f]{10}\.css$/);
      const script = document.querySelector('head script[src^="/assets/"]');
      expect(script?.getAttribute('src'), path).toMatch(/^\/assets\/site\.[0-9a-f]{10}\.js$/);
      // Neither defer nor async: the stored theme must apply before the first paint.
      expect(script?.hasAttribute('defer') || script?.hasAttribute('async'), path).toBe(false);
    }
  });
});

describe('assets', () => {
  it('self-host Inter: the stylesheet loads its fonts from our hashed assets only', async () => {
    const css = await readFile(join(site.dir, 'assets', site.manifest.assets.find((name) => name.endsWith('.css'))!), 'utf8');
    const urls = [...css.matchAll(/url\(\s*["']?([^"')]+)/g)].map((match) => match[1]!);
    const fonts = urls.filter((url) => url.endsWith('.woff2'));
    expect(fonts.length).toBeGreaterThanOrEqual(1);
    expect(css).toContain("font-family: 'Inter Variable'");
    for (const url of urls) {
      if (url.startsWith('data:')) continue;
      expect(site.manifest.assets.map((name) => `/assets/${name}`), url).toContain(url);
    }
    // An inline SVG's xmlns is a name, not a request.
    expect(css.replace(/url\("data:[^"]*"\)/g, '')).not.toMatch(/https?:\/\//);
  });

  it('are named by their content', () => {
    const assets = new AssetSet();
    const a = assets.add('a.css', Buffer.from('body{}'));
    const b = assets.add('b.css', Buffer.from('body{}'));
    const c = assets.add('c.css', Buffer.from('main{}'));
    expect(a.replace(/^a/, '')).toBe(b.replace(/^b/, ''));
    expect(c.replace(/^c/, '')).not.toBe(a.replace(/^a/, ''));
    expect(() => assets.url('missing.css', 'test')).toThrow(/unknown asset "missing.css"/);
  });

  it('are the same for the same sources, so a rebuild keeps browser caches valid', async () => {
    const again = await buildTestSite({ widgetFile: null });
    cleanups.push(again.dir);
    expect(again.manifest.assets).toEqual(site.manifest.assets);
  });
});

describe('policy pages', () => {
  it('say when they were last updated and ask questions as headings', () => {
    for (const path of ['/privacy', '/cookies', '/terms']) {
      const document = page(path);
      const updated = document.querySelector('.updated');
      expect(updated?.textContent, path).toMatch(/^Last updated: \w+ \d{1,2}, \d{4}$/);
      expect(updated?.querySelector('time')?.getAttribute('datetime'), path).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      const headings = all(document, 'h2').map((h2) => h2.textContent!.trim());
      expect(headings.length, path).toBeGreaterThanOrEqual(5);
      for (const heading of headings) expect(heading, path).toMatch(/\?$/);
      expect(document.querySelector('a[href="mailto:contact@imageka.com"]'), path).not.toBeNull();
    }
  });

  it('mark each checked claim with a stable data-claim', () => {
    const claims = (path: string) => [...new Set(all(page(path), '[data-claim]').map((element) => element.getAttribute('data-claim')))].sort();
    expect(claims('/privacy')).toEqual(PRIVACY_CLAIMS);
    expect(claims('/cookies')).toEqual(COOKIE_CLAIMS);
  });

  it('state the facts the code implements', () => {
    const text = (path: string) => page(path).body.textContent!.replace(/\s+/g, ' ');
    const privacy = text('/privacy');
    for (const fact of ['imageka_session', 'HttpOnly', '10 minutes', '30 days', '48 hours', 'Inter typeface, which we host ourselves']) {
      expect(privacy).toContain(fact);
    }
    for (const field of ['the time', 'IP address', 'request method', 'path without its query string', 'status code', 'how long the answer took', 'user agent']) {
      expect(page('/privacy').querySelector('[data-claim="access-logs"]')?.textContent).toContain(field);
    }
    const cookies = text('/cookies');
    for (const fact of ['Exactly one: imageka_session', 'HttpOnly', 'Partitioned', 'no expiry date', 'imageka:']) expect(cookies).toContain(fact);
  });
});

describe('home and developers', () => {
  it('home has the widget as the hero and an embed snippet', () => {
    const home = page('/');
    expect(home.querySelector('.hero imageka-widget')).not.toBeNull();
    expect(home.querySelector('script[src="/widget.js"]')).not.toBeNull();
    expect(home.querySelector('#embed-title')?.textContent).toBe('Embed it');
    expect(home.getElementById('embed-snippet')?.textContent).toBe(
      '<script src="https://imageka.com/widget.js" defer></script>\n<imageka-widget api="https://imageka.com"></imageka-widget>',
    );
  });

  it('developers documents the widget, the SDK, every endpoint and every error code', () => {
    const developers = page('/developers');
    const text = developers.body.textContent!;
    for (const attribute of ['api', 'theme', 'lang']) expect(text).toContain(attribute);
    for (const event of ['imageka:ready', 'imageka:image', 'imageka:error']) expect(text).toContain(event);
    expect(text).toContain("new Imageka({ baseUrl: 'https://imageka.com' })");
    for (const path of Object.keys(openApiDocument.paths)) expect(text).toContain(path);
    for (const code of ERROR_CODES) expect(text).toContain(code);
    expect(developers.querySelector('a[href="/api/v1/openapi.json"]')).not.toBeNull();
  });
});

describe('the build refuses', () => {
  async function brokenSite(page: string, content: string): Promise<string> {
    const sourceDir = await mkdtemp(join(tmpdir(), 'imageka-site-src-'));
    cleanups.push(sourceDir);
    await cp(join(ROOT, 'site'), sourceDir, { recursive: true });
    await writeFile(join(sourceDir, 'pages', page), content);
    return sourceDir;
  }
  const front = '<!--\ntitle: Broken\ndescription: A page that must not build.\n-->\n';

  it('inline code, which the CSP would block', async () => {
    for (const body of ['<script>alert(1)</script>', '<p style="color:red">x</p>', '<button onclick="x()">x</button>']) {
      const sourceDir = await brokenSite('broken.html', `${front}${body}`);
      await expect(buildTestSite({ sourceDir })).rejects.toThrow(/Content-Security-Policy blocks/);
    }
  });

  it('an unknown placeholder or asset, and a page without front matter', async () => {
    await expect(buildTestSite({ sourceDir: await brokenSite('broken.html', `${front}{{nope}}`) })).rejects.toThrow(/unknown placeholder \{\{nope\}\}/);
    await expect(buildTestSite({ sourceDir: await brokenSite('broken.html', `${front}<img src="{{asset:nope.png}}" alt="">`) })).rejects.toThrow(
      /unknown asset "nope.png"/,
    );
    await expect(buildTestSite({ sourceDir: await brokenSite('broken.html', '<h1>No front matter</h1>') })).rejects.toThrow(/starts with a <!-- key: value -->/);
  });
});
