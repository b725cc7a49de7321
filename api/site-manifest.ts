/**
 * The contract between the site build (site/build/), which writes the manifest next to the pages,
 * and the static-site plugin, which serves what it lists. Types and a file name only: the build
 * compiles this without hapi.
 */

/** The manifest's file name in the site build's output folder. */
export const SITE_MANIFEST = 'manifest.json';

export interface SiteManifest {
  /** URL path → HTML file. */
  pages: Record<string, string>;
  /** HTML file answered, with status 404, for unknown paths outside the API. */
  notFound: string;
  /** File names under assets/, each with a content hash in its name. */
  assets: string[];
  /** URL path → file served with a short cache (robots.txt, widget.js, widget.mjs). */
  files: Record<string, string>;
  /** The widget's files under parts/, fetched on demand, each with a content hash in its name. */
  parts: string[];
}
