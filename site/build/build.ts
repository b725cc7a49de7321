import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { SITE_MANIFEST, type SiteManifest } from '../../api/site-manifest.js';
import { endpointTable, errorCodeTable } from './api-reference.js';
import { AssetSet, addInterFonts } from './assets.js';
import { escapeHtml, render, splitFrontMatter, type Resolver } from './template.js';

export interface SiteBuildOptions {
  /** The site's sources: layout.html, pages/, styles/, scripts/, images/, static/. */
  sourceDir: string;
  /** Emptied, then filled with the pages, assets/ and the manifest the server reads. */
  outDir: string;
  /** `@fontsource-variable/inter`'s package folder. */
  fontsourceDir: string;
  /**
   * The widget's classic-script entry, served at `/widget.js`; null while it is not built. The
   * module build beside it (`widget.mjs`, and its hashed `parts/`) is served too when present.
   */
  widgetFile: string | null;
}

/** Where embed snippets point. */
export const SITE_ORIGIN = 'https://imageka.com';

/** Concatenated in this order into one stylesheet: later files build on earlier ones. */
const STYLES = ['tokens.css', 'base.css', 'layout.css', 'components.css', 'prose.css', 'home.css'];

/**
 * Renders every page fragment in `pages/` into the one layout, hashes the assets, and writes the
 * manifest that tells the server what to serve. A page is added by adding a fragment.
 */
export async function buildSite(options: SiteBuildOptions): Promise<SiteManifest> {
  const { sourceDir, outDir } = options;
  const assets = new AssetSet();
  const fontFaces = await addInterFonts(assets, options.fontsourceDir);
  for (const image of await readdir(join(sourceDir, 'images'))) {
    assets.add(image, await readFile(join(sourceDir, 'images', image)));
  }
  const styles = await Promise.all(STYLES.map((file) => readFile(join(sourceDir, 'styles', file), 'utf8')));
  const css = render([fontFaces, ...styles].join('\n'), { asset: (name) => assets.url(name, 'styles') }, 'styles');
  assets.add('site.css', Buffer.from(css));
  for (const script of await readdir(join(sourceDir, 'scripts'))) {
    assets.add(script, await readFile(join(sourceDir, 'scripts', script)));
  }

  await rm(outDir, { recursive: true, force: true });
  await mkdir(join(outDir, 'assets'), { recursive: true });
  const layout = await readFile(join(sourceDir, 'layout.html'), 'utf8');
  const manifest: SiteManifest = { pages: {}, notFound: '', assets: [...assets.files.keys()], files: {}, parts: [] };
  for (const file of (await readdir(join(sourceDir, 'pages'))).filter((name) => name.endsWith('.html'))) {
    const name = basename(file, '.html');
    const path = name === 'index' ? '/' : `/${name}`;
    const html = renderPage(layout, await readFile(join(sourceDir, 'pages', file), 'utf8'), path, assets, `pages/${file}`);
    await writeFile(join(outDir, file), html);
    if (name === '404') manifest.notFound = file;
    else manifest.pages[path] = file;
  }
  if (!manifest.notFound) throw new Error('pages/404.html is missing: the server needs a not-found page');

  for (const [fileName, bytes] of assets.files) await writeFile(join(outDir, 'assets', fileName), bytes);
  for (const file of await readdir(join(sourceDir, 'static'))) {
    await copyFile(join(sourceDir, 'static', file), join(outDir, file));
    manifest.files[`/${file}`] = file;
  }
  if (options.widgetFile) {
    await copyFile(options.widgetFile, join(outDir, 'widget.js'));
    manifest.files['/widget.js'] = 'widget.js';
    manifest.parts = await copyWidgetModules(dirname(options.widgetFile), outDir, manifest);
  }
  await writeFile(join(outDir, SITE_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/** widget.mjs (what widget.js imports) and the hashed files it fetches on demand, when built. */
async function copyWidgetModules(widgetDir: string, outDir: string, manifest: SiteManifest): Promise<string[]> {
  if (!existsSync(join(widgetDir, 'widget.mjs'))) return [];
  await copyFile(join(widgetDir, 'widget.mjs'), join(outDir, 'widget.mjs'));
  manifest.files['/widget.mjs'] = 'widget.mjs';
  const parts = existsSync(join(widgetDir, 'parts')) ? (await readdir(join(widgetDir, 'parts'))).filter((name) => name.endsWith('.mjs')) : [];
  await mkdir(join(outDir, 'parts'), { recursive: true });
  for (const name of parts) await copyFile(join(widgetDir, 'parts', name), join(outDir, 'parts', name));
  return parts;
}

function renderPage(layout: string, source: string, path: string, assets: AssetSet, where: string): string {
  const { meta, body } = splitFrontMatter(source, where);
  const required = (key: string) => {
    const value = meta[key];
    if (!value) throw new Error(`${where}: front matter needs "${key}"`);
    return value;
  };
  const shared: Record<string, Resolver> = {
    asset: (name) => assets.url(name, where),
    origin: () => SITE_ORIGIN,
    contact: () => '<a href="mailto:contact@imageka.com">contact@imageka.com</a>',
  };
  const content = render(
    body,
    {
      ...shared,
      updated: () => {
        const date = new Date(`${required('updated')}T00:00:00Z`);
        const text = date.toLocaleDateString('en-US', { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' });
        return `<p class="updated">Last updated: <time datetime="${required('updated')}">${text}</time></p>`;
      },
      apiEndpoints: endpointTable,
      errorCodes: errorCodeTable,
    },
    where,
  );
  const html = render(
    layout,
    {
      ...shared,
      title: () => escapeHtml(meta['document-title'] ?? `${required('title')} · IMAGEKA`),
      description: () => escapeHtml(required('description')),
      mainClass: () => meta['main-class'] ?? 'prose',
      current: (target) => (target === path ? ' aria-current="page"' : ''),
      content: () => content,
      year: () => String(new Date().getUTCFullYear()),
    },
    'layout.html',
  );
  assertNoInlineCode(html, where);
  return html;
}

/** The pages' CSP forbids inline code; catching it here beats a blank widget in production. */
function assertNoInlineCode(html: string, where: string): void {
  const problems = [
    [/<script(?![^>]*\ssrc=)[^>]*>/i, 'an inline <script>'],
    [/<style[\s>]/i, 'a <style> element'],
    [/\sstyle=/i, 'a style attribute'],
    [/\son[a-z]+=/i, 'an inline event handler'],
    [/javascript:/i, 'a javascript: URL'],
  ] as const;
  for (const [pattern, what] of problems) {
    if (pattern.test(html)) throw new Error(`${where}: contains ${what}, which the pages' Content-Security-Policy blocks`);
  }
}
