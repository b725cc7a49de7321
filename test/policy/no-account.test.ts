import { rm } from 'node:fs/promises';
import type { Server } from '@hapi/hapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateRequestSchema } from '../../api/generation/request-schema.js';
import type { CaptchaResponse } from '../../sdk/types.js';
import { generate, issueCaptcha, testServer } from '../helpers/server.js';
import { buildTestSite } from '../helpers/site.js';

const ACCOUNT_WORDS = /account|login|log-in|logout|sign-?in|sign-?up|register|user|profile|password|auth|token|me$/i;

describe('Claim 1: no account exists; the only inputs are the prompt, its options, the captcha answer and its proof of work', () => {
  let server: Server;
  let siteDir: string;

  beforeAll(async () => {
    siteDir = (await buildTestSite()).dir;
    server = await testServer({ site: { dir: siteDir } });
  });
  afterAll(async () => {
    await server.stop();
    await rm(siteDir, { recursive: true, force: true });
  });

  it('has no sign-up, log-in or account route, and no authentication at all', () => {
    const routes = server.table();
    expect(routes.length).toBeGreaterThan(5);
    expect(routes.map((route) => route.path).filter((path) => ACCOUNT_WORDS.test(path))).toEqual([]);
    expect(routes.filter((route) => route.settings.auth)).toEqual([]);
    expect(Object.keys(server.auth.api)).toEqual([]);
  });

  it('accepts a request body on one route only: POST /api/v1/generate', () => {
    const withBody = server.table().filter((route) => !['get', 'head', 'options'].includes(route.method));
    expect(withBody.map((route) => `${route.method} ${route.path}`)).toEqual(['post /api/v1/generate']);
    // No route reads headers or cookies as declared input; the only query parameter is the
    // spoken captcha's language (`lang`), which says nothing about who is asking.
    for (const route of server.table()) {
      const validate = route.settings.validate ?? {};
      expect([validate.headers, validate.state], route.path).toEqual([null, null]);
      const query = validate.query as { describe(): { keys?: Record<string, unknown> } } | null;
      const keys = query ? Object.keys(query.describe().keys ?? {}) : [];
      expect(keys, route.path).toEqual(route.path === '/api/v1/captcha/audio' ? ['lang'] : []);
    }
  });

  it('takes the prompt, its options (size, seed, negative prompt), the captcha answer and its proof of work, and nothing else', async () => {
    const keys = generateRequestSchema.describe().keys ?? {};
    expect(Object.keys(keys).sort()).toEqual(['captcha', 'height', 'negativePrompt', 'pow', 'prompt', 'seed', 'width']);
    // The proof of work is the server's own challenge sent back with the number found: nothing about the visitor.
    const { response } = await issueCaptcha(server);
    const challenge = (response.result as CaptchaResponse).pow;
    expect(Object.keys((keys.pow as { keys: object }).keys).sort()).toEqual([...Object.keys(challenge), 'number'].sort());
    for (const extra of ['email', 'name', 'user', 'userId', 'account', 'token']) {
      const { cookie } = await issueCaptcha(server);
      const response = await generate(server, cookie, { prompt: 'a lake', captcha: 'ACDEH', [extra]: 'x' });
      expect([extra, response.statusCode, (response.result as { code?: string }).code]).toEqual([extra, 400, 'invalid_request']);
    }
    const { cookie } = await issueCaptcha(server);
    const accepted = await generate(server, cookie, { prompt: 'a lake', negativePrompt: 'fog', width: 1248, height: 832, seed: 3, captcha: 'ACDEH' });
    expect(accepted.statusCode).toBe(200);
  });

  it('ignores the query string: a prompt there is not an input', async () => {
    const { cookie } = await issueCaptcha(server);
    const response = await server.inject({ method: 'POST', url: '/api/v1/generate?prompt=a%20lake', headers: { cookie }, payload: { captcha: 'ACDEH' } });
    expect(response.statusCode).toBe(400);
  });
});
