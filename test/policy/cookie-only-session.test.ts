import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { Server, ServerInjectOptions, ServerInjectResponse } from '@hapi/hapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SiteManifest } from '../../api/site-manifest.js';
import { UpstreamError } from '../../api/providers/types.js';
import { generate, issueCaptcha, quietSpeech, scriptedProvider, setCookies, testServer } from '../helpers/server.js';
import { buildTestSite, WIDGET_BUNDLE } from '../helpers/site.js';

let site: { dir: string; manifest: SiteManifest };
beforeAll(async () => {
  site = await buildTestSite({ widgetFile: existsSync(WIDGET_BUNDLE) ? WIDGET_BUNDLE : null });
});
afterAll(async () => {
  await rm(site.dir, { recursive: true, force: true });
});

/** Fails the first generation upstream, throws unexpectedly on the second, then works. */
function flakyProvider() {
  let calls = 0;
  return scriptedProvider(async (input) => {
    calls += 1;
    if (calls === 1) throw new UpstreamError('error', 'upstream 500');
    if (calls === 2) throw new TypeError('bug');
    const { default: sharp } = await import('sharp');
    return { bytes: await sharp({ create: { width: input.width, height: input.height, channels: 3, background: '#246' } }).png().toBuffer(), mimeType: 'image/png', seed: 1 };
  });
}

/** Every kind of answer the server gives: pages, files, API successes, every error family. */
async function everyAnswer(server: Server): Promise<ServerInjectResponse[]> {
  const responses: ServerInjectResponse[] = [];
  const send = async (options: ServerInjectOptions | string) => {
    const response = await server.inject(options);
    responses.push(response);
    return response;
  };
  for (const path of [...Object.keys(site.manifest.pages), ...Object.keys(site.manifest.files)]) {
    await send(path);
    await send({ method: 'HEAD', url: path });
  }
  for (const asset of site.manifest.assets) await send(`/assets/${asset}`);
  for (const part of site.manifest.parts) await send(`/parts/${part}`);
  for (const missing of ['/assets/missing.css', '/parts/missing.mjs', '/nope', '/privacy/', '/api/v1/nope', '/api/v2/generate']) await send(missing);
  await send({ method: 'DELETE', url: '/api/v1/health' });
  await send('/api/v1/health');
  await send('/api/v1/health/live');
  await send('/api/v1/openapi.json');
  await send({ method: 'OPTIONS', url: '/api/v1/generate', headers: { origin: 'https://host.example', 'access-control-request-method': 'POST' } });
  await send('/api/v1/captcha/audio');
  await send({ url: '/api/v1/health', headers: { cookie: 'imageka_session=forged; other=1' } });

  const captcha = async () => {
    const { response, cookie } = await issueCaptcha(server);
    responses.push(response);
    return cookie;
  };
  const spend = async (payload: object, headers: Record<string, string> = {}) => responses.push(await generate(server, await captcha(), payload, headers));
  responses.push(await server.inject({ url: '/api/v1/captcha/audio', headers: { cookie: await captcha() } }));
  await spend({ prompt: 'a', captcha: 'ACDEH' }); // 502 provider_error
  await spend({ prompt: 'a', captcha: 'ACDEH' }); // 500 internal_error
  await spend({ prompt: 'a', captcha: 'ACDEH' }, { accept: 'text/event-stream' }); // 200 stream
  await spend({ prompt: 'a', captcha: 'WRONG' }); // 403
  await spend({ prompt: '', captcha: 'ACDEH' }); // 400
  const cookie = await captcha();
  await send({ method: 'POST', url: '/api/v1/generate', headers: { cookie, 'content-type': 'text/plain' }, payload: 'a' });
  await send({ method: 'POST', url: '/api/v1/generate', headers: { cookie }, payload: { prompt: 'a'.repeat(20_000), captcha: 'x' } });
  for (let i = 0; i < 2; i++) await spend({ prompt: 'a', captcha: 'ACDEH' }); // the generation limit is 5: 429
  return responses;
}

describe('Claim 5: imageka_session is the only cookie, on every route, including errors, static files and 404s, and it is HttpOnly', () => {
  it.each([false, true])('sets no other cookie, and imageka_session only HttpOnly (cross-site mode: %s)', async (crossSite) => {
    const server = await testServer({ crossSite, site: { dir: site.dir }, provider: flakyProvider(), generateLimit: 5, captchaAudio: quietSpeech });
    const responses = await everyAnswer(server);
    const cookies = responses.flatMap((response) => setCookies(response).map((cookie) => ({ url: response.request.url.pathname, cookie })));

    expect(cookies.length).toBeGreaterThan(0);
    for (const { url, cookie } of cookies) {
      expect(cookie.split('=')[0], url).toBe('imageka_session');
      expect(cookie, url).toMatch(/;\s*HttpOnly(;|$)/i);
    }
    // Each status family, static files and 404s were really asked for.
    const statuses = new Set(responses.map((response) => response.statusCode));
    for (const status of [200, 308, 400, 403, 404, 413, 415, 429, 500, 502]) expect(statuses, String(status)).toContain(status);
    // A route added later must be added here too.
    const reached = new Set(responses.map((response) => `${response.request.route.method} ${response.request.route.path}`));
    for (const route of server.table()) expect(reached, `${route.method} ${route.path}`).toContain(`${route.method} ${route.path}`);
  });

  it('sets no cookie at all on pages, files and answers that need no captcha', async () => {
    const server = await testServer({ site: { dir: site.dir } });
    for (const url of [...Object.keys(site.manifest.pages), ...site.manifest.assets.map((name) => `/assets/${name}`), '/nope', '/api/v1/health']) {
      expect(setCookies(await server.inject(url)), url).toEqual([]);
    }
  });
});
