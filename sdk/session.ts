import { CookieJar } from './cookie-jar.js';
import { SESSION_HEADER } from './types.js';

/**
 * The client's hold on its API session, in memory only, for the client's lifetime.
 *
 * - The sealed value from the `X-Imageka-Session` response header is sent back as a request
 *   header everywhere: browsers that block third-party cookies still keep their session. The
 *   server enforces single use and expiry on the session itself, so the header is no weaker
 *   than the cookie.
 * - Outside browsers nothing stores cookies for `fetch`, so with `jar` on the `imageka_session`
 *   cookie is kept here (cookie-jar.ts) and sent back.
 */
export class Session {
  readonly #jar: CookieJar | undefined;
  #header: string | undefined;

  constructor(jar: boolean) {
    this.#jar = jar ? new CookieJar() : undefined;
  }

  /** Adds what the API needs to recognise this session to an outgoing request. */
  apply(headers: Headers): void {
    if (this.#header !== undefined) headers.set(SESSION_HEADER, this.#header);
    this.#jar?.apply(headers);
  }

  /** Remembers the session the API answered with. */
  receive(headers: Headers): void {
    const header = headers.get(SESSION_HEADER);
    if (header !== null && header !== '') this.#header = header;
    this.#jar?.receive(headers);
  }
}
