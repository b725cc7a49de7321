/**
 * Clients that are slow on purpose, send no Content-Type, or come from an opaque origin.
 */
import net from 'node:net';
import type { Server } from '@hapi/hapi';
import { afterEach, describe, expect, it } from 'vitest';
import { createServer } from '../../api/server.js';
import { fixedCaptcha, issueCaptcha, testServer, withPow } from '../helpers/server.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

async function listening(options: Parameters<typeof createServer>[0] = {}) {
  const server = await createServer({ host: '127.0.0.1', port: 0, captcha: fixedCaptcha(), maxEventLoopDelayMs: 0, site: false, ...options });
  await server.start();
  servers.push(server);
  return server;
}

/**
 * Sends `head`, then `trickle` one byte at a time every 100 ms, for at most `trickle.length`
 * bytes (a bounded attacker). Resolves with what the server answered and how much was sent before
 * it closed the connection.
 */
function slowClient(port: number, head: string, trickle: string): Promise<{ answer: string; sent: number; closedByServer: boolean }> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ answer, sent, closedByServer: sent < trickle.length });
    });
    socket.once('connect', () => {
      socket.write(head);
      timer = setInterval(() => {
        if (sent >= trickle.length) {
          clearInterval(timer);
          socket.end();
          return;
        }
        socket.write(trickle[sent]!);
        sent += 1;
      }, 100);
    });
  });
}

describe('a client that trickles its request', () => {
  it('a body sent one byte at a time gets 408 and is disconnected at the request timeout', async () => {
    const server = await listening({ requestTimeoutMs: 1000, headersTimeoutMs: 500 });
    const head = 'POST /api/v1/generate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 16384\r\n\r\n';
    // 80 bytes at 10 per second: 8 s if the server let it run.
    const result = await slowClient(Number(server.info.port), head, '{"prompt":"' + 'a'.repeat(69));
    expect(result.answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(result.closedByServer).toBe(true);
  });

  it('headers sent one byte at a time get 408 and are disconnected at the headers timeout', async () => {
    const server = await listening({ requestTimeoutMs: 1000, headersTimeoutMs: 500 });
    const result = await slowClient(Number(server.info.port), 'GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n', `X-Slow: ${'b'.repeat(72)}\r\n\r\n`);
    expect(result.answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(result.closedByServer).toBe(true);
  });

  it('by default, a few seconds bound both', async () => {
    const server = await createServer({ port: 0, site: false });
    expect(server.listener.headersTimeout).toBeLessThanOrEqual(5000);
    expect(server.listener.requestTimeout).toBeLessThanOrEqual(10_000);
  });
});

describe('POST /api/v1/generate without application/json', () => {
  const send = async (headers: Record<string, string>) => {
    const server = await testServer();
    servers.push(server);
    const { cookie } = await issueCaptcha(server);
    const body = await withPow(cookie, { prompt: 'a lighthouse', captcha: 'ACDEH' });
    return server.inject({ method: 'POST', url: '/api/v1/generate', headers: { cookie, ...headers }, payload: JSON.stringify(body) });
  };

  it.each([
    ['no Content-Type (what a no-cors fetch of a string sends is text/plain; a Blob can send none)', {}],
    ['text/plain', { 'content-type': 'text/plain;charset=UTF-8' }],
    ['a form', { 'content-type': 'application/x-www-form-urlencoded' }],
    ['a JSON look-alike', { 'content-type': 'application/jsonx' }],
  ])('refuses %s with 415 unsupported_media_type, and keeps the captcha', async (_name, headers) => {
    const response = await send(headers);
    expect(response.statusCode).toBe(415);
    expect(JSON.parse(response.payload).code).toBe('unsupported_media_type');
  });

  it.each(['application/json', 'application/json; charset=utf-8', 'Application/JSON;charset=UTF-8'])('accepts %s', async (type) => {
    expect((await send({ 'content-type': type })).statusCode).toBe(200);
  });
});

describe('CORS and the opaque origin', () => {
  it("never allows Origin: null, even with CORS_ORIGINS=*, on requests and preflights", async () => {
    const server = await testServer({ corsOrigins: '*' });
    servers.push(server);
    const simple = await server.inject({ url: '/api/v1/captcha', headers: { origin: 'null' } });
    // Without Access-Control-Allow-Origin a browser hands the page nothing.
    expect(simple.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await server.inject({
      method: 'OPTIONS',
      url: '/api/v1/generate',
      headers: { origin: 'null', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    // A real site still works.
    const site = await server.inject({ url: '/api/v1/captcha', headers: { origin: 'https://blog.example' } });
    expect(site.headers['access-control-allow-origin']).toBe('https://blog.example');
  });
});
