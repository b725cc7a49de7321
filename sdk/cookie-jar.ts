import { SESSION_COOKIE } from './types.js';

/**
 * Keeps the `imageka_session` cookie where nothing else does: `fetch` outside browsers stores no
 * cookies. Browsers keep it themselves (`credentials: 'include'`), so the widget bundle ships
 * `cookie-jar.browser.ts` in place of this file.
 */
export class CookieJar {
  #cookie: string | undefined;

  /** Adds the kept cookie to an outgoing request. */
  apply(headers: Headers): void {
    if (this.#cookie !== undefined) headers.set('cookie', `${SESSION_COOKIE}=${this.#cookie}`);
  }

  /** Remembers, replaces or forgets the cookie as the API's `Set-Cookie` lines say. */
  receive(headers: Headers): void {
    const cookie = sessionCookie(setCookieLines(headers));
    if (cookie === null) this.#cookie = undefined;
    else if (cookie !== undefined) this.#cookie = cookie;
  }
}

function setCookieLines(headers: Headers): string[] {
  if (typeof headers.getSetCookie === 'function') return headers.getSetCookie();
  // Runtimes without getSetCookie join the lines with ", "; an Expires date's comma is never
  // followed by `name=`, so splitting there is safe.
  const joined = headers.get('set-cookie');
  return joined === null ? [] : joined.split(/,(?=\s*[^;,=\s]+=)/);
}

/** The session cookie's new value, `null` when the API deleted it, `undefined` when not mentioned. */
function sessionCookie(lines: string[]): string | null | undefined {
  let result: string | null | undefined;
  for (const line of lines) {
    const [pair = '', ...attributes] = line.split(';');
    const eq = pair.indexOf('=');
    if (eq === -1 || pair.slice(0, eq).trim() !== SESSION_COOKIE) continue;
    const value = pair.slice(eq + 1).trim();
    result = value === '' || isExpired(attributes) ? null : value;
  }
  return result;
}

/** Max-Age wins over Expires (RFC 6265 §5.3). */
function isExpired(attributes: string[]): boolean {
  let expires: string | undefined;
  for (const attribute of attributes) {
    const eq = attribute.indexOf('=');
    const name = attribute.slice(0, eq === -1 ? undefined : eq).trim().toLowerCase();
    const value = eq === -1 ? '' : attribute.slice(eq + 1).trim();
    if (name === 'max-age') return Number(value) <= 0;
    if (name === 'expires') expires = value;
  }
  return expires !== undefined && Date.parse(expires) <= Date.now();
}
