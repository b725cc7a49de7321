import { describe, expect, it } from 'vitest';
import { Session } from '../../sdk/session.js';

function sent(session: Session): { cookie: string | null; header: string | null } {
  const headers = new Headers();
  session.apply(headers);
  return { cookie: headers.get('cookie'), header: headers.get('x-imageka-session') };
}

function setCookies(...lines: string[]): Headers {
  const headers = new Headers();
  for (const line of lines) headers.append('set-cookie', line);
  return headers;
}

describe('Session', () => {
  it('sends nothing before the API has answered', () => {
    expect(sent(new Session(true))).toEqual({ cookie: null, header: null });
  });

  it('keeps the session header value and sends it back', () => {
    const session = new Session(false);
    session.receive(new Headers({ 'X-Imageka-Session': 'Fe26.2**sealed' }));
    session.receive(new Headers());
    expect(sent(session)).toEqual({ cookie: null, header: 'Fe26.2**sealed' });
  });

  it('with the jar on, keeps only the imageka_session cookie, and replaces it on change', () => {
    const session = new Session(true);
    session.receive(setCookies('other=1; Path=/', 'imageka_session=first; Secure; HttpOnly; SameSite=None; Path=/'));
    expect(sent(session).cookie).toBe('imageka_session=first');
    session.receive(setCookies('imageka_session=second; HttpOnly; Path=/'));
    expect(sent(session).cookie).toBe('imageka_session=second');
  });

  it('forgets the cookie when the API clears or expires it; Max-Age wins over Expires', () => {
    const session = new Session(true);
    session.receive(setCookies('imageka_session=a; Path=/'));
    session.receive(setCookies('imageka_session=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/'));
    expect(sent(session).cookie).toBeNull();
    session.receive(setCookies('imageka_session=b; Expires=Thu, 01 Jan 1970 00:00:00 GMT'));
    expect(sent(session).cookie).toBeNull();
    session.receive(setCookies('imageka_session=c; Max-Age=60; Expires=Thu, 01 Jan 1970 00:00:00 GMT'));
    expect(sent(session).cookie).toBe('imageka_session=c');
  });

  it('reads a joined Set-Cookie header where getSetCookie is missing, despite the comma in Expires', () => {
    const session = new Session(true);
    const joined = new Headers({
      'set-cookie': 'a=1; Expires=Wed, 21 Oct 2099 07:28:00 GMT, imageka_session=joined; HttpOnly, b=2',
    });
    Object.defineProperty(joined, 'getSetCookie', { value: undefined });
    session.receive(joined);
    expect(sent(session).cookie).toBe('imageka_session=joined');
  });

  it('never stores cookies with the jar off (the browser keeps them)', () => {
    const session = new Session(false);
    session.receive(setCookies('imageka_session=x'));
    expect(sent(session).cookie).toBeNull();
  });
});
