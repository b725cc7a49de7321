import { describe, expect, it } from 'vitest';
import { SESSION_HEADER } from '../../sdk/types.js';
import { issueCaptcha, testServer } from '../helpers/server.js';

describe('API responses', () => {
  it('carry security headers, no-store and a request id', async () => {
    const server = await testServer();
    const { response } = await issueCaptcha(server);
    expect(response.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-resource-policy': 'same-origin',
      'cache-control': 'no-store',
    });
    expect(String(response.headers['content-security-policy'])).toMatch(/default-src 'none'.*frame-ancestors 'none'/);
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers['strict-transport-security']).toBeUndefined();
  });

  it('send HSTS for requests that arrived over HTTPS through a trusted proxy', async () => {
    const server = await testServer({ trustedProxies: 1 });
    const response = await server.inject({ url: '/api/v1/health', headers: { 'x-forwarded-proto': 'https' } });
    expect(response.headers['strict-transport-security']).toMatch(/max-age=\d{8,}; includeSubDomains/);
    const untrusted = await (await testServer()).inject({ url: '/api/v1/health', headers: { 'x-forwarded-proto': 'https' } });
    expect(untrusted.headers['strict-transport-security']).toBeUndefined();
  });

  it('unknown routes → 404 JSON with a code', async () => {
    const server = await testServer();
    const response = await server.inject('/api/v1/nope');
    expect(response.statusCode).toBe(404);
    expect(response.result).toMatchObject({ code: 'not_found' });
  });
});

describe('CORS on the API', () => {
  it('lets any site call by default, with credentials, exposing the headers the SDK reads', async () => {
    const server = await testServer();
    const response = await server.inject({ url: '/api/v1/captcha', headers: { origin: 'https://blog.example' } });
    expect(response.headers['access-control-allow-origin']).toBe('https://blog.example');
    expect(response.headers['access-control-allow-credentials']).toBe('true');
    const exposed = String(response.headers['access-control-expose-headers']).toLowerCase();
    for (const header of ['retry-after', 'x-request-id', SESSION_HEADER.toLowerCase()]) expect(exposed).toContain(header);
  });

  it('answers preflights for JSON posts with the session header', async () => {
    const server = await testServer();
    const response = await server.inject({
      method: 'OPTIONS',
      url: '/api/v1/generate',
      headers: { origin: 'https://blog.example', 'access-control-request-method': 'POST', 'access-control-request-headers': `content-type, ${SESSION_HEADER}` },
    });
    expect(response.statusCode).toBe(200);
    expect(String(response.headers['access-control-allow-headers']).toLowerCase()).toContain(SESSION_HEADER.toLowerCase());
  });

  it('with an allowlist, never echoes an origin that is not on it', async () => {
    const server = await testServer({ corsOrigins: ['https://friend.example'] });
    const friend = await server.inject({ url: '/api/v1/health', headers: { origin: 'https://friend.example' } });
    expect(friend.headers['access-control-allow-origin']).toBe('https://friend.example');
    const stranger = await server.inject({ url: '/api/v1/health', headers: { origin: 'https://evil.example' } });
    expect(stranger.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('GET /api/v1/health', () => {
  it('reports ready with the provider', async () => {
    const response = await (await testServer()).inject('/api/v1/health');
    expect(response.statusCode).toBe(200);
    expect(response.result).toEqual({ status: 'ok', ready: true, provider: { name: 'offline', preview: true }, store: 'memory' });
  });

  it('answers 503 when a dependency is not ready', async () => {
    const response = await (await testServer({ isReady: () => false })).inject('/api/v1/health');
    expect(response.statusCode).toBe(503);
    expect(response.result).toMatchObject({ status: 'unavailable', ready: false });
  });
});
