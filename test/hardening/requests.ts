/**
 * fast-check arbitraries for requests that can reach the server over a real socket but are
 * wrong in every other way: methods, paths, query strings, headers, content types, encodings,
 * body shapes, sizes and text (unicode, lone surrogates, invalid UTF-8, control characters).
 */
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';

export type SessionUse = 'none' | 'fresh-header' | 'fresh-cookie' | 'garbage' | 'tampered';

export interface FuzzRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload: string | Buffer | undefined;
  session: SessionUse;
}

export interface Endpoint {
  method: 'GET' | 'POST';
  path: string;
  /** Whether the route reads the session; only then are fresh sessions worth issuing. */
  session: boolean;
}

const LONE_SURROGATE = fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code));
const CONTROL = fc.integer({ min: 0, max: 0x9f }).filter((c) => c < 0x20 || c >= 0x7f).map((code) => String.fromCharCode(code));

/** Any text a client could send inside JSON: unicode, lone surrogates, controls, long runs. */
export const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.string({ unit: fc.oneof(LONE_SURROGATE, CONTROL, fc.constantFrom('\u202e', '\u200b', '\ufeff', '🎨', 'e\u0301', '\u0000')), maxLength: 20 }),
  fc.integer({ min: 900, max: 1200 }).map((n) => 'ж'.repeat(n)),
  fc.constantFrom('ACDEH', ' acdeh ', 'ACDEH\u0000', 'ＡＣＤＥＨ', ''),
);

const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  text,
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(1024, 576, 1280, -1, 0, 1.5, 2 ** 53, -(2 ** 31), 4294967295, 1e308),
  fc.constant(null),
);

/** Bodies shaped like a generate request, every field optional and of any type, plus strays. */
const generateShaped = fc
  .record(
    {
      prompt: fc.oneof(text, anyValue),
      captcha: fc.oneof(fc.constantFrom('ACDEH', 'acdeh', ' ACDEH '), text, anyValue),
      width: anyValue,
      height: anyValue,
      seed: anyValue,
      negativePrompt: fc.oneof(text, anyValue),
      constructor: fc.jsonValue({ maxDepth: 2 }),
      extra: anyValue,
    },
    { requiredKeys: [] },
  )
  .map((value) => JSON.stringify(value));

const validBody = { prompt: 'a red fox in snow', captcha: 'ACDEH' };
const validJson = JSON.stringify(validBody);

/** A valid request with one thing wrong (or nothing): these get past validation to the captcha and the provider. */
const nearlyValid = fc
  .oneof(
    fc.constant({}),
    fc.record({ prompt: text }),
    fc.record({ captcha: fc.oneof(text, anyValue) }),
    fc.record({ negativePrompt: text }),
    fc.record({ seed: anyValue }),
    fc.record({ width: anyValue, height: anyValue }),
    fc.constantFrom({ width: 1024, height: 1024 }, { width: 1280, height: 720 }, { width: 720, height: 1280 }, { width: 1024 }),
    fc.dictionary(fc.string({ maxLength: 12 }), anyValue, { minKeys: 1, maxKeys: 2 }),
  )
  .map((change) => JSON.stringify({ ...validBody, ...change }));

const payload: fc.Arbitrary<string | Buffer | undefined> = fc.oneof(
  { weight: 6, arbitrary: nearlyValid },
  { weight: 3, arbitrary: generateShaped },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)) },
  fc.constant(undefined),
  fc.constant(''),
  fc.integer({ min: 1, max: validJson.length - 1 }).map((n) => validJson.slice(0, n)),
  fc.integer({ min: 100, max: 8000 }).map((n) => '['.repeat(n) + ']'.repeat(n)),
  fc.integer({ min: 100, max: 3000 }).map((n) => '{"a":'.repeat(n) + '1' + '}'.repeat(n)),
  fc.uint8Array({ maxLength: 2048 }).map((bytes) => Buffer.from(bytes)),
  fc.integer({ min: 16 * 1024 - 16, max: 48 * 1024 }).map((n) => `{"prompt":"${'x'.repeat(n)}","captcha":"ACDEH"}`),
  fc.constant(Buffer.concat([Buffer.from('{"prompt":"'), Buffer.from([0xc3, 0x28, 0xff, 0xfe]), Buffer.from('","captcha":"ACDEH"}')])),
  fc.constant(`\ufeff${validJson}`),
  fc.constant('{"__proto__":{"prompt":"x","captcha":"ACDEH"},"constructor":{"prototype":{"polluted":1}}}'),
  fc.constant(`${validJson}${validJson}`),
  fc.constant('prompt=a&captcha=ACDEH'),
  fc.constant('--x\r\nContent-Disposition: form-data; name="prompt"\r\n\r\na\r\n--x--\r\n'),
);

const contentType = fc.oneof(
  fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'application/json; charset=utf-16',
    'application/json; charset=nope',
    'APPLICATION/JSON',
    'application/json;',
    'application/*',
    '*/*',
    'text/plain',
    'text/html',
    'application/x-www-form-urlencoded',
    'multipart/form-data',
    'multipart/form-data; boundary=x',
    'application/octet-stream',
    'application/xml',
    ';;;',
    '',
  ),
  fc.stringMatching(/^[\x20-\x7e]{0,60}$/),
);

const TOKEN = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,30}$/;
/** What a real HTTP parser lets through in a header value: visible ASCII, spaces, tabs and obs-text. */
const headerValue = fc.oneof(
  fc.stringMatching(/^[\x20-\x7e]{0,80}$/),
  fc.string({ unit: fc.integer({ min: 0x20, max: 0xff }).filter((c) => c !== 0x7f).map((c) => String.fromCharCode(c)), maxLength: 80 }),
  fc.integer({ min: 1000, max: 6000 }).map((n) => 'a'.repeat(n)),
);

const ipLike = fc.oneof(fc.ipV4(), fc.ipV6(), fc.ipV4Extended(), headerValue);

/** The headers the server reads, with hostile values. */
const knownHeaders: Record<string, fc.Arbitrary<string>> = {
  'content-type': contentType,
  'content-encoding': fc.oneof(fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'compress', 'gzip, gzip', 'x-gzip'), headerValue),
  accept: fc.oneof(fc.constantFrom('text/event-stream', 'application/json', '*/*', 'text/event-stream;q=0', 'image/*'), headerValue),
  'accept-encoding': fc.oneof(fc.constantFrom('gzip', 'deflate', 'br', 'gzip;q=0, identity;q=0', '*'), headerValue),
  origin: fc.oneof(fc.webUrl(), fc.constantFrom('null', 'http://localhost:1', 'https://evil.example'), headerValue),
  'access-control-request-method': fc.oneof(fc.constantFrom('POST', 'GET', 'DELETE', 'post'), headerValue),
  'access-control-request-headers': fc.oneof(fc.constantFrom('content-type', 'x-imageka-session', 'x-evil'), headerValue),
  'x-forwarded-for': fc.array(ipLike, { maxLength: 4 }).map((list) => list.join(', ')),
  'x-forwarded-proto': fc.oneof(fc.constantFrom('https', 'http', 'https, http'), headerValue),
  'x-imageka-session': fc.oneof(fc.stringMatching(/^[\w*\-.~]{0,300}$/), headerValue),
  'x-imageka-client': headerValue,
  'x-request-id': headerValue,
  'user-agent': headerValue,
  'if-none-match': headerValue,
  'if-range': headerValue,
  range: fc.oneof(fc.constantFrom('bytes=0-10', 'bytes=-1', 'bytes=5-1', 'bytes=0-0,1-1'), headerValue),
  authorization: headerValue,
  cookie: fc.oneof(
    fc.constantFrom('imageka_session=', 'imageka_session=Fe26.2**', 'imageka_session=a; imageka_session=b', '=; ;;', 'a=b; c=d'),
    headerValue,
  ),
};

const headerPair = fc.oneof(
  { weight: 4, arbitrary: fc.oneof(...Object.entries(knownHeaders).map(([name, value]) => value.map((v): [string, string] => [name, v]))) },
  fc.tuple(fc.stringMatching(TOKEN), headerValue),
);

/** A few hostile headers per request, so each request is wrong in a handful of ways, not all at once. */
const headers = fc.array(headerPair, { maxLength: 3 }).map((pairs) => Object.fromEntries(pairs.map(([name, value]) => [name.toLowerCase(), value])));

const queryPart = fc.oneof(
  fc.string({ maxLength: 20 }).map(encodeURIComponent),
  fc.string({ unit: 'grapheme', maxLength: 20 }).map(encodeURIComponent),
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'prompt', '%', '%zz', '%E0%A4%A', '%ED%A0%80', '%00', '%C0%AF', '+', '[]', 'a[b][c]=1'),
);
const query = fc.oneof(
  fc.constant(''),
  fc.array(fc.tuple(queryPart, fc.oneof(queryPart, fc.constant(null))), { maxLength: 6 }).map(
    (pairs) => `?${pairs.map(([k, v]) => (v === null ? k : `${k}=${v}`)).join('&')}`,
  ),
  fc.integer({ min: 2000, max: 6000 }).map((n) => `?q=${'a'.repeat(n)}`),
  fc.stringMatching(/^\?[\x21-\x7e]{0,60}$/),
);

/** Paths near the endpoint, staying under /api/ (outside it the site answers with HTML pages). */
function pathNear(path: string) {
  return fc.oneof(
    { weight: 8, arbitrary: fc.constant(path) },
    fc.constantFrom(`${path}/`, `${path}//`, `${path}/..`, `${path}/.`, `${path}%2F`, `${path}%00`, `${path};x=1`, `${path}/%ZZ`, `${path}.json`, `${path.toUpperCase().replace('/API/', '/api/')}`),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }).map((segment) => `${path}/${encodeURIComponent(segment)}`),
  );
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD', 'TRACE', 'PROPFIND', 'CONNECT-ISH'];

const withSession = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom<SessionUse>('fresh-header', 'fresh-cookie') },
  { weight: 2, arbitrary: fc.constantFrom<SessionUse>('none', 'garbage', 'tampered') },
);
const withoutSession = fc.constantFrom<SessionUse>('none', 'garbage');

/** A malformed (mostly) request aimed at one endpoint. */
export function requestFor(endpoint: Endpoint): fc.Arbitrary<FuzzRequest> {
  return fc
    .record({
      method: fc.oneof({ weight: 6, arbitrary: fc.constant(endpoint.method) }, fc.constantFrom(...METHODS)),
      path: pathNear(endpoint.path),
      query,
      headers,
      payload,
      session: endpoint.session ? withSession : withoutSession,
      compress: fc.boolean(),
    })
    .map(({ method, path, query: search, headers: head, payload: body, session: use, compress }) => {
      // A real gzip body, sometimes a bomb: what decompression must bound.
      const gzip = compress && head['content-encoding'] === 'gzip' && typeof body === 'string';
      // Bodies are JSON unless a fuzzed content-type says otherwise.
      const json: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
      return {
        method,
        url: `${path}${search}`,
        headers: { ...json, ...head },
        payload: gzip ? gzipSync(body.length % 3 === 0 ? Buffer.alloc(4 * 1024 * 1024, ' ') : body) : body,
        session: use,
      };
    });
}
