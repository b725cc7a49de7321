/**
 * A compromised or misbehaving image service answers with output URLs of its choosing. Each
 * attack points the server at a fake internal service on loopback that counts every connection:
 * the visitor must get a plain provider_error, and the internal service zero connections.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { isPublicAddress } from '../../api/providers/download.js';
import { createOpenAIProvider } from '../../api/providers/openai.js';
import { createReplicateProvider } from '../../api/providers/replicate.js';
import type { ImageProvider } from '../../api/providers/types.js';
import { plainPng } from '../api/providers/fixtures/images.js';
import { FakeUpstream, sendBytes, sendJson, type Handler } from '../api/providers/fakes/upstream.js';
import { generate, issueCaptcha, testServer } from '../helpers/server.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

/** The service an attacker wants reached: it records every connection, and answers a real image. */
async function internalService() {
  const image = await plainPng({ width: 1024, height: 1024 });
  const server = http.createServer((_req, res) => sendBytes(res, 200, image, 'image/png'));
  let connections = 0;
  server.on('connection', () => (connections += 1));
  server.on('secureConnection', () => (connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  cleanups.push(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return { port, url: `http://127.0.0.1:${port}`, hits: () => connections };
}

async function fake(handler: Handler) {
  const upstream = await FakeUpstream.start(handler);
  cleanups.push(() => upstream.close());
  return upstream;
}

/** An OpenAI-compatible service that answers every generation with `url`. */
const answeringUrl = (url: () => string): Handler => (seen, res) => {
  if (seen.url.endsWith('/images/generations')) return sendJson(res, 200, { data: [{ url: url() }] });
  return sendJson(res, 404, {});
};

async function visit(provider: ImageProvider) {
  const server = await testServer({ provider });
  cleanups.push(() => server.stop());
  const { cookie } = await issueCaptcha(server);
  const response = await generate(server, cookie, { prompt: 'a lighthouse', captcha: 'ACDEH' });
  return { status: response.statusCode, body: JSON.parse(response.payload) as { code?: string; message?: string } };
}

const localai = (upstream: FakeUpstream, downloadHosts?: string[]) =>
  createOpenAIProvider({ flavor: 'localai', model: 'sd', baseUrl: `${upstream.url}/v1`, timeoutMs: 10_000, downloadHosts });

function expectRefused(result: { status: number; body: { code?: string; message?: string } }) {
  expect(result.status).toBe(502);
  expect(result.body.code).toBe('provider_error');
  // The generic sentence, nothing about the URL or why it was refused.
  expect(result.body.message).toBe('The image service failed to produce an image. Try again later.');
}

describe('output URLs an upstream chooses', () => {
  it('refuses a loopback address on another port (the admin-endpoint attack): zero hits', async () => {
    const internal = await internalService();
    const upstream = await fake(answeringUrl(() => `${internal.url}/admin/delete?all=1`));
    expectRefused(await visit(localai(upstream)));
    expect(upstream.requests('/v1/images/generations')).toHaveLength(1);
    expect(internal.hits()).toBe(0);
  });

  it('refuses a redirect from an allowed URL to the internal service: zero hits', async () => {
    const internal = await internalService();
    const upstream = await fake((seen, res, self) => {
      if (seen.url === '/files/out.png') return void res.writeHead(302, { location: `${internal.url}/admin` }).end();
      return answeringUrl(() => `${self.url}/files/out.png`)(seen, res, self);
    });
    expectRefused(await visit(localai(upstream)));
    expect(upstream.requests('/files/out.png')).toHaveLength(1);
    expect(internal.hits()).toBe(0);
  });

  it('refuses an allowed host name that resolves to loopback (checked after DNS, not by name): zero hits', async () => {
    const internal = await internalService();
    const upstream = await fake(answeringUrl(() => `https://localhost:${internal.port}/out.png`));
    expectRefused(await visit(localai(upstream, ['localhost'])));
    expect(internal.hits()).toBe(0);
  });

  it('refuses a host nobody listed, and plain http to a listed one', async () => {
    const internal = await internalService();
    for (const url of [`https://evil.example/x.png`, `http://cdn.example.com:${internal.port}/x.png`, `file:///etc/passwd`]) {
      const upstream = await fake(answeringUrl(() => url));
      expectRefused(await visit(localai(upstream, ['cdn.example.com'])));
    }
    expect(internal.hits()).toBe(0);
  });

  it("still downloads from the configured base URL's own origin, redirects within it included", async () => {
    const image = await plainPng({ width: 1024, height: 1024 });
    const upstream = await fake((seen, res, self) => {
      if (seen.url === '/generated/a.png') return void res.writeHead(307, { location: '/generated/b.png' }).end();
      if (seen.url === '/generated/b.png') return sendBytes(res, 200, image, 'image/png');
      return answeringUrl(() => `${self.url}/generated/a.png`)(seen, res, self);
    });
    expect((await visit(localai(upstream))).status).toBe(200);
  });

  it('applies to Replicate too: an output URL off replicate.delivery is refused, zero hits', async () => {
    const internal = await internalService();
    const upstream = await fake((seen, res) => sendJson(res, 201, { id: 'p1', status: 'succeeded', output: [`${internal.url}/latest/meta-data`] }));
    expectRefused(await visit(createReplicateProvider({ apiToken: 'r8', baseUrl: `${upstream.url}/v1` })));
    expect(internal.hits()).toBe(0);
  });
});

describe('what counts as a public address', () => {
  it.each([
    '127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.100.100.200', '0.0.0.0', '224.0.0.1',
    '::1', '::', 'fe80::1', 'fd00:ec2::254', 'fc00::1', '::ffff:127.0.0.1', '::ffff:a9fe:a9fe', '64:ff9b::7f00:1', '64:ff9b::10.0.0.1',
    'not-an-address',
  ])('%s is not public', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(['93.184.215.14', '8.8.8.8', '2606:4700::6810:84e5', '::ffff:8.8.8.8', '64:ff9b::808:808'])('%s is public', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });
});
