import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { Server } from '@hapi/hapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAGE_CSP } from '../../api/plugins/static-site.js';
import type { SiteManifest } from '../../api/site-manifest.js';
import { createServer } from '../../api/server.js';
import { testServer } from '../helpers/server.js';
import { buildTestSite } from '../helpers/site.js';

const WIDGET_SOURCE = 'customElements.define("imageka-widget", class extends HTMLElement {});\n';
const MODULE_SOURCE = 'export const widget = true;\n';
const PART = 'de-AbCd1234.mjs';
const PART_SOURCE = 'export default ["Bild erstellen"];\n';

let site: { dir: string; manifest: SiteManifest };
let server: Server;
let scratch: string;

beforeAll(async () => {
  // A stand-in bundle: these tests are about how files are served, not about the widget.
  scratch = await mkdtemp(join(tmpdir(), 'imageka-widget-'));
  await writeFile(join(scratch, 'widget.js'), WIDGET_SOURCE);
  await writeFile(join(scratch, 'widget.mjs'), MODULE_SOURCE);
  await mkdir(join(scratch, 'parts'));
  await writeFile(join(scratch, 'parts', PART), PART_SOURCE);
  site = await buildTestSite({ widgetFile: join(scratch, 'widget.js') });
  server = await testServer({ site: { dir: site.dir } });
});

afterAll(async () => {
  await rm(site.dir, { recursive: true, force: true });
  await rm(scratch, { recursive: true, force: true });
});

const pagePaths = () => Object.keys(site.manifest.pages);
const corsHeaders = (headers: Record<string, unknown>) => Object.keys(headers).filter((name) => name.startsWith('access-control-'));

describe('pages', () => {
  it('serves every page in the build, home included', () => {
    expect(pagePaths()).toEqual(expect.arrayContaining(['/', '/privacy', '/cookies', '/terms', '/developers']));
  });

  it('serves a build named by a relative folder too', async () => {
    const relativeServer = await testServer({ site: { dir: relative(process.cwd(), site.dir) } });
    expect((await relativeServer.inject('/')).statusCode).toBe(200);
  });

  it('answer HTML with the strict CSP, the security headers and a short cache', async () => {
    for (const url of pagePaths()) {
      const response = await server.inject({ url, headers: { 'x-forwarded-proto': 'https' } });
      expect(response.statusCode, url).toBe(200);
      expect(response.headers['content-type'], url).toBe('text/html; charset=utf-8');
      expect(response.headers).toMatchObject({
        'content-security-policy': PAGE_CSP,
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        'cross-origin-opener-policy': 'same-origin',
        'cross-origin-resource-policy': 'same-origin',
        'cache-control': 'public, max-age=300',
      });
      expect(response.headers['set-cookie'], url).toBeUndefined();
      expect(response.payload, url).toContain('<!doctype html>');
    }
  });

  it('have a CSP with no unsafe sources that blocks plugins, base rewriting and framing', () => {
    const directives = new Map(PAGE_CSP.split('; ').map((directive) => [directive.split(' ')[0], directive] as const));
    expect(PAGE_CSP).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    expect(directives.get('object-src')).toBe("object-src 'none'");
    expect(directives.get('base-uri')).toBe("base-uri 'none'");
    expect(directives.get('frame-ancestors')).toBe("frame-ancestors 'none'");
    expect(directives.get('default-src')).toBe("default-src 'none'");
    expect(directives.get('script-src')).toBe("script-src 'self'");
    expect(directives.get('style-src')).toBe("style-src 'self'");
  });

  it('carry no CORS headers, even when another site asks', async () => {
    for (const url of [...pagePaths(), '/no-such-page', `/assets/${site.manifest.assets[0]}`, '/robots.txt']) {
      const response = await server.inject({ url, headers: { origin: 'https://elsewhere.example' } });
      expect(corsHeaders(response.headers), url).toEqual([]);
    }
  });

  it('get HSTS only when the request came over HTTPS', async () => {
    const proxied = await testServer({ site: { dir: site.dir }, trustedProxies: 1 });
    const secure = await proxied.inject({ url: '/privacy', headers: { 'x-forwarded-proto': 'https' } });
    expect(secure.headers['strict-transport-security']).toMatch(/^max-age=\d{8,}; includeSubDomains$/);
    const plain = await proxied.inject('/privacy');
    expect(plain.headers['strict-transport-security']).toBeUndefined();
  });

  it('answer conditional requests with 304 and HEAD without a body', async () => {
    const first = await server.inject('/terms');
    const etag = String(first.headers.etag);
    expect(etag).toMatch(/^"/);
    const again = await server.inject({ url: '/terms', headers: { 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
    const head = await server.inject({ method: 'HEAD', url: '/terms' });
    expect(head.statusCode).toBe(200);
    expect(head.payload).toBe('');
  });

  it('redirect a trailing slash to the page', async () => {
    const response = await server.inject('/privacy/');
    expect(response.statusCode).toBe(308);
    expect(response.headers.location).toBe('/privacy');
  });
});

describe('not found', () => {
  it('answers unknown paths outside the API with the HTML 404 page', async () => {
    for (const url of ['/nope', '/privacy/extra', '/index.html', '/assets/site.0000000000.css', '/apis']) {
      const response = await server.inject(url);
      expect(response.statusCode, url).toBe(404);
      expect(response.headers['content-type'], url).toBe('text/html; charset=utf-8');
      expect(response.headers['content-security-policy'], url).toBe(PAGE_CSP);
      expect(response.payload, url).toContain('This page does not exist');
    }
  });

  it('keeps unknown API paths JSON, with the API CORS and no-store', async () => {
    const response = await server.inject({ url: '/api/v1/nope', headers: { origin: 'https://blog.example' } });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.result).toMatchObject({ statusCode: 404, code: 'not_found' });
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers['access-control-allow-origin']).toBe('https://blog.example');
    const post = await server.inject({ method: 'POST', url: '/api/v1/nope', payload: {} });
    expect(post.statusCode).toBe(404);
    expect(post.result).toMatchObject({ code: 'not_found' });
  });

  it('never serves files outside the hashed asset list', async () => {
    for (const url of ['/assets/..%2F..%2Fpackage.json', '/assets/%2e%2e%2fmanifest.json', '/manifest.json', '/assets/']) {
      const response = await server.inject(url);
      expect(response.statusCode, url).toBe(404);
      expect(response.payload, url).not.toContain('"pages"');
    }
  });
});

describe('assets', () => {
  it('are cached for a year as immutable, with their type', async () => {
    const types: Record<string, RegExp> = {
      css: /^text\/css/,
      js: /^(text|application)\/javascript/,
      woff2: /^font\/woff2/,
      svg: /^image\/svg\+xml/,
    };
    expect(site.manifest.assets.length).toBeGreaterThanOrEqual(4);
    for (const name of site.manifest.assets) {
      const response = await server.inject(`/assets/${name}`);
      expect(response.statusCode, name).toBe(200);
      expect(response.headers['cache-control'], name).toBe('public, max-age=31536000, immutable');
      expect(String(response.headers['content-type']), name).toMatch(types[name.split('.').pop()!]!);
      expect(response.headers['cross-origin-resource-policy'], name).toBe('same-origin');
    }
  });

  it('are compressed for browsers that accept gzip', async () => {
    const css = site.manifest.assets.find((name) => name.endsWith('.css'))!;
    const response = await server.inject({ url: `/assets/${css}`, headers: { 'accept-encoding': 'gzip' } });
    expect(response.headers['content-encoding']).toBe('gzip');
  });
});

describe('/widget.js', () => {
  it('may be loaded by any site: CORP cross-origin and CORS without credentials', async () => {
    const response = await server.inject({ url: '/widget.js', headers: { origin: 'https://blog.example' } });
    expect(response.statusCode).toBe(200);
    expect(response.payload).toBe(WIDGET_SOURCE);
    expect(response.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(response.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expect(response.headers['access-control-allow-origin']).toBe('*');
    expect(response.headers['access-control-allow-credentials']).toBeUndefined();
    expect(response.headers['cache-control']).toBe('public, max-age=3600');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
  });
});

describe('/widget.mjs and the files it fetches on demand', () => {
  it('serves the module like widget.js, and each part immutably, to any site', async () => {
    const module = await server.inject({ url: '/widget.mjs', headers: { origin: 'https://blog.example' } });
    expect(module.payload).toBe(MODULE_SOURCE);
    expect(module.headers['access-control-allow-origin']).toBe('*');
    expect(module.headers['cache-control']).toBe('public, max-age=3600');
    expect(site.manifest.parts).toEqual([PART]);
    const part = await server.inject({ url: `/parts/${PART}`, headers: { origin: 'https://blog.example' } });
    expect(part.statusCode).toBe(200);
    expect(part.payload).toBe(PART_SOURCE);
    expect(part.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(part.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expect(part.headers['access-control-allow-origin']).toBe('*');
    expect(part.headers['access-control-allow-credentials']).toBeUndefined();
    expect(part.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('answers only the parts the build listed', async () => {
    for (const url of ['/parts/de-XXXX.mjs', '/parts/..%2Fmanifest.json', '/parts/']) {
      expect((await server.inject(url)).statusCode, url).toBe(404);
    }
  });
});

describe('registration', () => {
  it('serves the API alone with site: false', async () => {
    const apiOnly = await testServer({ site: false });
    const response = await apiOnly.inject('/');
    expect(response.statusCode).toBe(404);
    expect(response.result).toMatchObject({ code: 'not_found' });
  });

  it('refuses a folder that holds no site build, naming the fix', async () => {
    await expect(createServer({ port: 0, site: { dir: scratch } })).rejects.toThrow(/manifest\.json is missing: build the site first/);
  });
});
