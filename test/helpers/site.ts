import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SiteManifest } from '../../api/site-manifest.js';
import { buildSite } from '../../site/build/build.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** The widget bundle `npm run build` makes (rollup); `npm test` builds it first. */
export const WIDGET_BUNDLE = join(ROOT, 'widget/dist/widget.js');
export const FONTSOURCE_DIR = dirname(createRequire(import.meta.url).resolve('@fontsource-variable/inter/wght.css'));

/** Builds the site from the current sources (or `sourceDir`) into a fresh temporary folder. */
export async function buildTestSite(
  options: { widgetFile?: string | null; sourceDir?: string } = {},
): Promise<{ dir: string; manifest: SiteManifest }> {
  const dir = await mkdtemp(join(tmpdir(), 'imageka-site-'));
  try {
    const manifest = await buildSite({
      sourceDir: options.sourceDir ?? join(ROOT, 'site'),
      outDir: dir,
      fontsourceDir: FONTSOURCE_DIR,
      widgetFile: options.widgetFile ?? null,
    });
    return { dir, manifest };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

let withWidget: Promise<{ dir: string; manifest: SiteManifest }> | undefined;

/**
 * The site with the real widget bundle, built once per test file, so browser tests never depend on
 * a stale dist/site. Fails with the fix when the bundle is missing.
 */
export function builtSiteWithWidget(): Promise<{ dir: string; manifest: SiteManifest }> {
  if (!existsSync(WIDGET_BUNDLE)) {
    return Promise.reject(new Error(`${WIDGET_BUNDLE} is missing: run "npm run build" (npm test does it first).`));
  }
  withWidget ??= buildTestSite({ widgetFile: WIDGET_BUNDLE });
  return withWidget;
}
