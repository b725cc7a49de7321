import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { Server } from '@hapi/hapi';
import { afterEach, describe, expect, it } from 'vitest';
import { createOpenAIProvider } from '../../api/providers/openai.js';
import { UpstreamError, type GeneratedImage, type GenerateInput, type ImageProvider } from '../../api/providers/types.js';
import { MemoryCaptchaStore } from '../../api/captcha/store.js';
import { createServer, type CreateServerOptions } from '../../api/server.js';
import { solvePow } from '../../sdk/pow.js';
import { SESSION_HEADER, type CaptchaResponse, type PowSolution } from '../../sdk/types.js';
import { FakeUpstream, sendBytes, sendJson, type Handler } from '../api/providers/fakes/upstream.js';
import { CHEAP_POW, fixedCaptcha, generate, issueCaptcha, scriptedProvider, testServer } from '../helpers/server.js';

const BODY = { prompt: 'a lighthouse in fog', captcha: 'ACDEH' };
const TIMEOUT_MS = 300;

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

async function fake(handler: Handler) {
  const upstream = await FakeUpstream.start(handler);
  cleanups.push(() => upstream.close());
  return upstream;
}

/** The real OpenAI-compatible adapter, pointed at a fake upstream. */
const adapterFor = (upstream: FakeUpstream): ImageProvider =>
  createOpenAIProvider({ flavor: 'localai', model: 'sd', baseUrl: `${upstream.url}/v1`, timeoutMs: 60_000 });

/** One generate request with a solved captcha, against a server with `options`. */
async function generateWith(options: CreateServerOptions) {
  const server = await testServer({ generationTimeoutMs: TIMEOUT_MS, ...options });
  const { cookie } = await issueCaptcha(server);
  const response = await generate(server, cookie, BODY);
  return { response, body: JSON.parse(response.payload) as { code?: string } };
}

function never<T>(): Promise<T> {
  return new Promise<T>(() => {});
}

describe('a provider that hangs', () => {
  it('gives 504 provider_timeout once the generation deadline passes, and aborts the call', async () => {
    let signal: AbortSignal | undefined;
    const provider = scriptedProvider((input) => {
      signal = input.signal;
      return never();
    });
    const { response, body } = await generateWith({ provider });
    expect(response.statusCode).toBe(504);
    expect(body.code).toBe('provider_timeout');
    expect(signal?.aborted).toBe(true);
    expect((signal?.reason as Error).name).toBe('TimeoutError');
  });

  it('gives 504 when a real upstream never answers, and the upstream sees its request dropped', async () => {
    const upstream = await fake((seen, _res, self) => self.hold(seen));
    const { response, body } = await generateWith({ provider: adapterFor(upstream) });
    expect(response.statusCode).toBe(504);
    expect(body.code).toBe('provider_timeout');
    const held = await upstream.nextHold();
    await held.aborted;
    expect(held.wasAborted).toBe(true);
  });
});

describe('a provider that fails', () => {
  const scripted: Array<[string, (input: GenerateInput) => Promise<GeneratedImage>]> = [
    ['returns garbage bytes', async (input) => ({ bytes: randomBytes(4096), mimeType: 'image/png', seed: input.seed })],
    ['returns nothing', async (input) => ({ bytes: new Uint8Array(0), mimeType: 'image/png', seed: input.seed })],
    ['reports an upstream 5xx', async () => Promise.reject(new UpstreamError('error', 'upstream 500'))],
    ['reports output it cannot use', async () => Promise.reject(new UpstreamError('bad_output', 'no image'))],
  ];

  it.each(scripted)('gives 502 provider_error when it %s', async (_name, behaviour) => {
    const { response, body } = await generateWith({ provider: scriptedProvider(behaviour) });
    expect(response.statusCode).toBe(502);
    expect(body.code).toBe('provider_error');
  });

  const upstreams: Array<[string, Handler]> = [
    ['answers 500', (_seen, res) => sendJson(res, 500, { error: { message: 'internal' } })],
    ['answers 502 with HTML', (_seen, res) => sendBytes(res, 502, Buffer.from('<html>bad gateway</html>'), 'text/html')],
    ['answers 200 with garbage instead of JSON', (_seen, res) => sendBytes(res, 200, randomBytes(2048), 'application/json')],
    ['answers 200 with JSON holding garbage image bytes', (_seen, res) => sendJson(res, 200, { data: [{ b64_json: randomBytes(2048).toString('base64') }] })],
    ['cuts the connection mid-answer', (_seen, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"data":[{"b64_json":"iVBO');
      res.socket?.destroy();
    }],
  ];

  it.each(upstreams)('gives 502 provider_error when a real upstream %s', async (_name, handler) => {
    const upstream = await fake(handler);
    const { response, body } = await generateWith({ provider: adapterFor(upstream) });
    expect(response.statusCode).toBe(502);
    expect(body.code).toBe('provider_error');
  });
});

/** A real server on a loopback port, stopped after the test. */
async function listening(options: CreateServerOptions): Promise<Server> {
  const server = await createServer({ host: '127.0.0.1', port: 0, site: false, captcha: fixedCaptcha(), ...CHEAP_POW, ...options });
  await server.start();
  cleanups.push(() => server.stop({ timeout: 1000 }));
  return server;
}

/** A new captcha's sealed session and its solved proof of work. */
async function sealedSession(server: Server): Promise<{ session: string; pow: PowSolution }> {
  const response = await fetch(`${server.info.uri}/api/v1/captcha`);
  expect(response.status).toBe(200);
  const pow = await solvePow(((await response.json()) as CaptchaResponse).pow);
  return { session: response.headers.get(SESSION_HEADER) ?? '', pow };
}

/** Sends a generate request over a raw socket and returns the request, to be destroyed mid-flight. */
function startGenerate(server: Server, { session, pow }: { session: string; pow: PowSolution }): http.ClientRequest {
  const request = http.request(`${server.info.uri}/api/v1/generate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [SESSION_HEADER]: session },
  });
  request.on('error', () => {});
  request.end(JSON.stringify({ ...BODY, pow }));
  return request;
}

/** A provider that starts, then waits for its abort signal; `aborted` settles with what it observed. */
function waitingProvider() {
  let started!: () => void;
  let observed!: (reason: unknown) => void;
  const startedPromise = new Promise<void>((resolve) => (started = resolve));
  const aborted = new Promise<unknown>((resolve) => (observed = resolve));
  const provider = scriptedProvider((input) => {
    started();
    return new Promise((_resolve, reject) => {
      input.signal.addEventListener('abort', () => {
        observed(input.signal.aborted);
        reject(input.signal.reason);
      });
    });
  });
  return { provider, started: startedPromise, aborted };
}

describe('a client that disconnects mid-generation', () => {
  it('gets the provider call aborted', async () => {
    const { provider, started, aborted } = waitingProvider();
    const server = await listening({ provider });
    const request = startGenerate(server, await sealedSession(server));
    await started;
    request.destroy();
    expect(await aborted).toBe(true);
  });

  it('gets the real upstream request dropped', async () => {
    const upstream = await fake((seen, _res, self) => self.hold(seen));
    const server = await listening({ provider: adapterFor(upstream) });
    const request = startGenerate(server, await sealedSession(server));
    const held = await upstream.nextHold();
    request.destroy();
    await held.aborted;
    expect(held.wasAborted).toBe(true);
  });

  it('while queued, costs no provider call at all', async () => {
    const first = waitingProvider();
    const store = new MemoryCaptchaStore();
    // Both visitors share this machine's address: room for two of theirs at once.
    const server = await listening({ provider: first.provider, maxInFlight: 1, maxInFlightPerClient: 2, captchaStore: store });
    const running = startGenerate(server, await sealedSession(server));
    await first.started;
    const queued = startGenerate(server, await sealedSession(server));
    // Its captcha is spent once it holds a place in the queue.
    while (store.size > 0) await new Promise((resolve) => setTimeout(resolve, 10));
    const queuedLeft = new Promise((resolve) => server.events.once('response', resolve));
    queued.destroy();
    await queuedLeft;
    running.destroy();
    await first.aborted;
    expect((await fetch(`${server.info.uri}/api/v1/health`)).status).toBe(200);
    expect(first.provider.calls).toHaveLength(1);
  });
});

describe('a saturated event loop', () => {
  it('gets 503 overloaded from hapi load limits, then serves again once the loop is free', async () => {
    const server = await listening({ maxEventLoopDelayMs: 50 });
    expect((await fetch(`${server.info.uri}/api/v1/health`)).status).toBe(200);
    const until = Date.now() + 600;
    while (Date.now() < until) {
      // Busy: the loop is blocked, as under a CPU-bound burst.
    }
    const response = await fetch(`${server.info.uri}/api/v1/health`);
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ statusCode: 503, code: 'overloaded' });
    let status = 503;
    for (let attempt = 0; attempt < 50 && status === 503; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = (await fetch(`${server.info.uri}/api/v1/health`)).status;
    }
    expect(status).toBe(200);
  });
});
