import { inflateSync, gunzipSync } from 'node:zlib';
import type { Server, ServerInjectResponse } from '@hapi/hapi';
import fc from 'fast-check';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UpstreamError } from '../../api/providers/types.js';
import { ERROR_CODES, SESSION_HEADER, type PowSolution } from '../../sdk/types.js';
import { issueCaptcha, scriptedProvider, solved, testServer } from '../helpers/server.js';
import { requestFor, type Endpoint, type FuzzRequest } from './requests.js';

const RUNS = 2000;
const ANSWER = 'ACDEH';
const ENDPOINTS: Record<string, Endpoint> = {
  captcha: { method: 'GET', path: '/api/v1/captcha', session: true },
  audio: { method: 'GET', path: '/api/v1/captcha/audio', session: true },
  generate: { method: 'POST', path: '/api/v1/generate', session: true },
  health: { method: 'GET', path: '/api/v1/health', session: false },
  openapi: { method: 'GET', path: '/api/v1/openapi.json', session: false },
};

let server: Server;
let calls = 0;

beforeAll(async () => {
  server = await testServer({
    // What is fuzzed is request handling: a small drawing and a stub voice keep 10,000 requests fast.
    captcha: () => ({ text: ANSWER, svg: '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"></svg>' }),
    captchaAudio: async () => Buffer.from('RIFF\u0024\u0000\u0000\u0000WAVE'),
    // One call in ten succeeds: enough to fuzz the success path, few enough 1024² re-encodes to stay fast.
    provider: scriptedProvider(async (input) => {
      calls += 1;
      if (calls % 10 !== 0) throw new UpstreamError('rejected', 'fuzz');
      const size = { width: input.width / 16, height: input.height / 16, channels: 3 as const, background: '#456' };
      return { bytes: await sharp({ create: size }).png().toBuffer(), mimeType: 'image/png', seed: input.seed };
    }),
    // Limits out of the way so requests reach validation, sessions and the provider.
    captchaPerMinute: 1_000_000,
    generateLimit: 1_000_000,
    // X-Forwarded-For is parsed only behind a trusted proxy.
    trustedProxies: 1,
  });
});

afterAll(() => server.stop());

/** The latest fresh session's solved proof of work, for a body that reaches the captcha check. */
let proof: PowSolution | undefined;

async function sealedSession(): Promise<string> {
  const { response } = await issueCaptcha(server);
  proof = await solved(response);
  return String(response.headers[SESSION_HEADER.toLowerCase()]);
}

/** A JSON object body gets the fresh session's proof of work, as the SDK would add it. */
function withProof(payload: FuzzRequest['payload'], pow: PowSolution | undefined): FuzzRequest['payload'] {
  if (typeof payload !== 'string' || !pow) return payload;
  try {
    const body: unknown = JSON.parse(payload);
    if (body && typeof body === 'object' && !Array.isArray(body) && !('pow' in body)) return JSON.stringify({ ...body, pow });
  } catch {
    // Not JSON: sent as it is.
  }
  return payload;
}

async function withSession(request: FuzzRequest): Promise<Record<string, string>> {
  const headers = { ...request.headers };
  switch (request.session) {
    case 'fresh-header':
      headers[SESSION_HEADER.toLowerCase()] = await sealedSession();
      break;
    case 'fresh-cookie':
      headers.cookie = [headers.cookie, `imageka_session=${await sealedSession()}`].filter(Boolean).join('; ');
      break;
    case 'tampered': {
      const sealed = await sealedSession();
      const at = sealed.length - 5;
      headers[SESSION_HEADER.toLowerCase()] = `${sealed.slice(0, at)}${sealed[at] === 'A' ? 'B' : 'A'}${sealed.slice(at + 1)}`;
      break;
    }
    case 'garbage':
      headers[SESSION_HEADER.toLowerCase()] = 'Fe26.2**0000*AAAA*BBBB**cccc*DDDD';
      break;
    case 'none':
      break;
  }
  return headers;
}

function decoded(response: ServerInjectResponse): string {
  const raw = response.rawPayload;
  const encoding = response.headers['content-encoding'];
  if (encoding === 'gzip') return gunzipSync(raw).toString();
  if (encoding === 'deflate') return inflateSync(raw).toString();
  return raw.toString();
}

/** The promise for every answer: no 5xx, and an error is JSON with a known code. */
function expectWellFormed(request: FuzzRequest, response: ServerInjectResponse): void {
  const { statusCode } = response;
  const seen = `${request.method} → ${statusCode} ${response.payload.slice(0, 160)}`;
  expect(statusCode, seen).toBeLessThan(500);
  expect(statusCode, seen).toBeGreaterThanOrEqual(200);
  if (statusCode < 300) return;
  expect(statusCode, seen).toBeGreaterThanOrEqual(400);
  expect(String(response.headers['content-type']), seen).toMatch(/^application\/json/);
  // A HEAD answer carries the headers of the error but, by definition, no body.
  if (request.method === 'HEAD') return;
  const body = JSON.parse(decoded(response)) as { statusCode: unknown; code: unknown };
  expect(body.statusCode, seen).toBe(statusCode);
  expect(ERROR_CODES, seen).toContain(body.code);
}

describe.each(Object.entries(ENDPOINTS))('fuzzing %s', (_name, endpoint) => {
  it(`answers ${RUNS} malformed requests without a 5xx, each error as JSON with a code`, async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(requestFor(endpoint), async (request) => {
        proof = undefined;
        const headers = await withSession(request);
        const payload = withProof(request.payload, proof);
        const response = await server.inject({
          method: request.method,
          url: request.url,
          headers,
          ...(payload === undefined ? {} : { payload }),
        });
        statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
        expectWellFormed(request, response);
      }),
      { numRuns: RUNS },
    );
    // The arbitraries reach past the front door: some requests are refused, some succeed.
    expect([...statuses.keys()].some((status) => status >= 400)).toBe(true);
    expect(statuses.get(200)).toBeGreaterThan(0);
    // Still serving afterwards.
    expect((await server.inject('/api/v1/health')).statusCode).toBe(200);
    // 2000 requests, many drawing a real (2×) captcha and sealing a new session: bounded in
    // count, not in seconds, so the limit only has to stop a hang on a slow or busy machine.
  }, 180_000);
});
