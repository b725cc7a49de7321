import { SESSION_COOKIE, SESSION_HEADER } from './types.js';

/**
 * The client's hold on its API session, in memory only, for the client's lifetime.
 *
 * - The sealed value from the `X-Imageka-Session` response header is sent back as a request
 *   header everywhere: browsers that block third-party cookies still keep their session. The
 *   server enforces single use and expiry on the session itself, so the header is no weaker
 *   than the cookie.
 * - Outside browsers nothing stores cookies for `fetch`, so with `jar` on the `imageka_session`
 *   cookie is kept here and sent back.
 */
export class Session {
  readonly #jar: boolean;
  #header: string | undefined;
  #cookie: string | undefined;

  constructor(jar: boolean) {
    this.#jar = jar;
  }

  /** Adds what the API needs to recognise this session to an outgoing request. */
  apply(headers: Headers): void {
    if (this.#header !== undefined) headers.set(SESSION_HEADER, this.#header);
    if (this.#jar && this.#cookie !== undefined) headers.set('cookie', `${SESSION_COOKIE}=${this.#cookie}`);
  }

  /** Remembers the session the API answered with. */
  receive(headers: Headers): void {
    const header = headers.get(SESSION_HEADER);
    if (header !== null && header !== '') this.#header = header;
    if (!this.#jar) return;
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
