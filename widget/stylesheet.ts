const sheets = new Map<string, CSSStyleSheet>();

/**
 * Adds a stylesheet to a shadow root once, constructed once and shared by every widget on the
 * page. Every browser with the container queries and `color-mix()` the styles rely on has
 * constructable stylesheets, and they need no nonce under a strict style-src CSP.
 */
export function adoptStyles(root: ShadowRoot, css: string): void {
  let sheet = sheets.get(css);
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    sheets.set(css, sheet);
  }
  if (!root.adoptedStyleSheets.includes(sheet)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
}
