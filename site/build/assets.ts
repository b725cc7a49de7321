import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';

/**
 * Hashed assets: every file's name carries a digest of its bytes, so the server can let browsers
 * keep them for a year and a new build can never be mixed with a cached old one.
 */
export class AssetSet {
  /** Logical name (`site.css`) → file name under assets/ (`site.3f9c2a1b07.css`). */
  readonly names = new Map<string, string>();
  /** File name under assets/ → bytes. */
  readonly files = new Map<string, Buffer>();

  add(logicalName: string, bytes: Buffer): string {
    if (this.names.has(logicalName)) throw new Error(`asset ${logicalName} added twice`);
    const extension = extname(logicalName);
    const digest = createHash('sha256').update(bytes).digest('hex').slice(0, 10);
    const fileName = `${logicalName.slice(0, -extension.length)}.${digest}${extension}`;
    this.names.set(logicalName, fileName);
    this.files.set(fileName, bytes);
    return fileName;
  }

  /** The URL of an asset added earlier; an unknown name fails the build. */
  url(logicalName: string | undefined, where: string): string {
    const fileName = logicalName === undefined ? undefined : this.names.get(logicalName);
    if (!fileName) throw new Error(`${where}: unknown asset "${logicalName}" (known: ${[...this.names.keys()].join(', ')})`);
    return `/assets/${fileName}`;
  }
}

/** The Latin subsets cover every character our pages use; others fall back to system fonts. */
const FONT_SUBSETS = ['latin', 'latin-ext'];

/**
 * Copies Inter's variable woff2 files for our subsets into the asset set and returns their
 * `@font-face` rules, taken from fontsource's own CSS so the unicode ranges stay exact.
 */
export async function addInterFonts(assets: AssetSet, fontsourceDir: string): Promise<string> {
  const css = await readFile(join(fontsourceDir, 'wght.css'), 'utf8');
  const rules: string[] = [];
  for (const subset of FONT_SUBSETS) {
    const marker = `/* inter-${subset}-wght-normal */`;
    const start = css.indexOf(marker);
    if (start < 0) throw new Error(`@fontsource-variable/inter has no ${subset} subset in wght.css`);
    const rule = css.slice(start + marker.length, css.indexOf('}', start) + 1).trim();
    const file = /url\(\.\/files\/([\w.-]+\.woff2)\)/.exec(rule)?.[1];
    if (!file) throw new Error(`cannot find the woff2 file of the ${subset} subset in wght.css`);
    const fileName = assets.add(file, await readFile(join(fontsourceDir, 'files', file)));
    rules.push(rule.replace(`./files/${file}`, `/assets/${fileName}`));
  }
  return rules.join('\n');
}
