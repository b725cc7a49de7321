import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { buildSite } from './build.js';

/** `npm run build:site`, from the repository root, after the widget bundle is built. */
const root = process.cwd();
const widgetFile = join(root, 'widget/dist/widget.js');
if (!existsSync(widgetFile)) {
  console.warn('[site] widget/dist/widget.js is not built yet: /widget.js will answer 404.');
}
const manifest = await buildSite({
  sourceDir: join(root, 'site'),
  outDir: join(root, 'dist/site'),
  fontsourceDir: dirname(createRequire(import.meta.url).resolve('@fontsource-variable/inter/wght.css')),
  widgetFile: existsSync(widgetFile) ? widgetFile : null,
});
console.log(`[site] ${Object.keys(manifest.pages).length + 1} pages and ${manifest.assets.length} assets in dist/site`);
