import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Boom from '@hapi/boom';
import type { Plugin, ResponseObject, ResponseToolkit, Server } from '@hapi/hapi';
import Inert from '@hapi/inert';
import Joi from 'joi';
import { SITE_MANIFEST, type SiteManifest } from '../site-manifest.js';

const PLUGIN = 'imageka-static-site';

export interface StaticSiteOptions {
  /** The site build's output folder. */
  dir: string;
}

/**
 * Our pages load only their own files; the widget's images and captcha are data: and blob: URLs.
 * No inline code anywhere, so no 'unsafe-inline'.
 */
export const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "media-src 'self' data: blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

const PAGE_CACHE = 'public, max-age=300';
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** widget.js and widget.mjs keep their names for embedders, so they cannot be immutable; an hour bounds staleness. */
const WIDGET_CACHE = 'public, max-age=3600';
const PERMISSIONS_POLICY = 'camera=(), geolocation=(), microphone=(), payment=(), usb=()';

const optionsSchema = Joi.object<StaticSiteOptions>({ dir: Joi.string().required() });

const manifestSchema = Joi.object<SiteManifest>({
  pages: Joi.object().pattern(/^\//, Joi.string()).required(),
  notFound: Joi.string().required(),
  assets: Joi.array().items(Joi.string()).required(),
  files: Joi.object().pattern(/^\//, Joi.string()).required(),
  parts: Joi.array().items(Joi.string()).default([]),
});

/**
 * imageka.com from the site build: pages with a strict CSP and a short cache, hashed assets cached
 * for a year, the widget's files loadable by any site, and an HTML 404 for unknown paths outside the API.
 * Site routes carry no CORS headers (`cors: false`); the API's own routes are untouched.
 */
export const staticSitePlugin: Plugin<StaticSiteOptions> = {
  name: PLUGIN,
  async register(server: Server, rawOptions) {
    // Absolute, because inert confines files to `dir` and resolves relative paths elsewhere.
    const dir = resolve(Joi.attempt(rawOptions, optionsSchema, `Invalid "${PLUGIN}" options`).dir);
    const manifest = await readManifest(dir);
    await server.register(Inert, { once: true });

    const file = (h: ResponseToolkit, name: string) => h.file(join(dir, name), { confine: dir, etagMethod: 'simple' });
    const page = (h: ResponseToolkit, name: string, status = 200) =>
      file(h, name)
        .code(status)
        .type('text/html; charset=utf-8')
        .header('cache-control', PAGE_CACHE)
        .header('content-security-policy', PAGE_CSP)
        .header('permissions-policy', PERMISSIONS_POLICY);
    const notFound = (h: ResponseToolkit) => page(h, manifest.notFound, 404);
    const site = { cors: false as const };

    for (const [path, name] of Object.entries(manifest.pages)) {
      server.route({ method: 'GET', path, options: site, handler: (_request, h) => page(h, name) });
    }

    /** Files with a content hash in their names, under `folder`: immutable, and only those the build listed. */
    const hashedFiles = (folder: string, names: string[], respond: (response: ResponseObject) => ResponseObject) => {
      const known = new Set(names);
      server.route({
        method: 'GET',
        path: `/${folder}/{name}`,
        options: site,
        handler: (request, h) => {
          const name = String(request.params.name);
          return known.has(name) ? respond(file(h, `${folder}/${name}`)).header('cache-control', IMMUTABLE) : notFound(h);
        },
      });
    };
    hashedFiles('assets', manifest.assets, (response) => response);
    // The widget's on-demand files: as loadable by any site as widget.js.
    hashedFiles('parts', manifest.parts, embeddable);

    for (const [path, name] of Object.entries(manifest.files)) {
      const widget = path === '/widget.js' || path === '/widget.mjs';
      server.route({
        method: 'GET',
        path,
        options: site,
        handler: (_request, h) => (widget ? embeddable(file(h, name)) : file(h, name).header('cache-control', PAGE_CACHE)),
      });
    }

    server.route({
      method: 'GET',
      path: '/{path*}',
      options: site,
      handler: (request, h) => {
        const trimmed = request.path.replace(/\/+$/, '');
        if (trimmed && trimmed !== request.path && manifest.pages[trimmed]) return h.redirect(trimmed).code(308);
        return notFound(h);
      },
    });
    // Without this the catch-all above would answer unknown API paths with a page; the API's
    // default route settings (its CORS) stay on this one, so API 404s stay JSON and readable.
    server.route({
      method: 'GET',
      path: '/api/{path*}',
      handler: () => {
        throw Boom.notFound();
      },
    });
  },
};

/** Any site may load the widget, with or without `crossorigin`, never with credentials. */
function embeddable(response: ResponseObject): ResponseObject {
  return response
    .type('text/javascript; charset=utf-8')
    .header('cache-control', WIDGET_CACHE)
    .header('cross-origin-resource-policy', 'cross-origin')
    .header('access-control-allow-origin', '*');
}

async function readManifest(dir: string): Promise<SiteManifest> {
  let text: string;
  try {
    text = await readFile(join(dir, SITE_MANIFEST), 'utf8');
  } catch {
    throw new Error(`[${PLUGIN}] ${join(dir, SITE_MANIFEST)} is missing: build the site first (npm run build).`);
  }
  return Joi.attempt(JSON.parse(text), manifestSchema, `[${PLUGIN}] ${join(dir, SITE_MANIFEST)} is not a site manifest`);
}

/** The built site next to the compiled server (dist/site), when there is one. */
export function defaultSite(): StaticSiteOptions | false {
  // Path arithmetic rather than `new URL(…)`: DOM test environments replace the global URL.
  const dir = resolve(dirname(fileURLToPath(import.meta.url)), '../../site');
  return existsSync(join(dir, SITE_MANIFEST)) ? { dir } : false;
}
