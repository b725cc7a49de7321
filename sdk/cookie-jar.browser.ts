import type { CookieJar as NodeCookieJar } from './cookie-jar.js';

/**
 * What the widget bundle ships in place of `cookie-jar.ts` (widget/rollup-plugins.js,
 * `browserSdk`): in a browser the client never opens a jar, because the browser keeps the
 * session cookie itself, so the parser need not travel with it.
 */
export class CookieJar implements Pick<NodeCookieJar, 'apply' | 'receive'> {
  apply(): void {}
  receive(): void {}
}
