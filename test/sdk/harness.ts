import type { Server } from '@hapi/hapi';
import sharp from 'sharp';
import { afterEach } from 'vitest';
import type { GenerateInput } from '../../api/providers/types.js';
import { createServer, type CreateServerOptions } from '../../api/server.js';
import { Imageka, type ImagekaOptions } from '../../sdk/index.js';
import { CHEAP_POW, fixedCaptcha, scriptedProvider } from '../helpers/server.js';

export const ANSWER = 'ACDEH';

const running: Server[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.stop({ timeout: 1000 })));
});

/** The real API on a real loopback port, stopped after the test. */
export async function startApi(options: CreateServerOptions = {}): Promise<{ server: Server; baseUrl: string }> {
  const server = await createServer({
    host: '127.0.0.1',
    port: 0,
    captcha: fixedCaptcha(ANSWER),
    maxEventLoopDelayMs: 0,
    ...CHEAP_POW,
    ...options,
  });
  await server.start();
  running.push(server);
  return { server, baseUrl: server.info.uri };
}

export interface Exchange {
  method: string;
  url: string;
  request: Headers;
  status?: number;
  response?: Headers;
}

/**
 * A fetch that records every exchange. `rewrite` may change a request's headers before it is
 * sent and the response's headers before the client sees them, like a browser or proxy would.
 */
export function recordingFetch(
  rewrite: { request?: (headers: Headers) => void; response?: (headers: Headers) => void } = {},
): typeof fetch & { exchanges: Exchange[] } {
  const exchanges: Exchange[] = [];
  const recording = async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    rewrite.request?.(headers);
    const exchange: Exchange = { method: init.method ?? 'GET', url: String(input), request: headers };
    exchanges.push(exchange);
    const response = await fetch(input, { ...init, headers });
    exchange.status = response.status;
    exchange.response = response.headers;
    if (!rewrite.response) return response;
    const rewritten = new Headers(response.headers);
    rewrite.response(rewritten);
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers: rewritten });
  };
  return Object.assign(recording as typeof fetch, { exchanges });
}

/** A client of `baseUrl` with a recording fetch. */
export function clientOf(baseUrl: string, options: Partial<ImagekaOptions> = {}) {
  const fetch = recordingFetch();
  const client = new Imageka({ baseUrl, fetch, ...options });
  return { client, exchanges: fetch.exchanges };
}

export function pngOf(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: '#357' } }).png().toBuffer();
}

/** A provider that answers a plain picture of the requested size, after reporting progress. */
export function paintingProvider(percent?: number) {
  return scriptedProvider(async (input) => {
    if (percent !== undefined) input.onProgress?.(percent);
    return { bytes: await pngOf(input.width, input.height), mimeType: 'image/png', seed: input.seed };
  });
}

/**
 * A provider that never finishes on its own: it waits for its abort signal, which is how the
 * API tells an adapter that the visitor left. `started` resolves when a call arrives and
 * `aborted` when the API has cancelled it.
 */
export function hangingProvider() {
  let markStarted!: (input: GenerateInput) => void;
  let markAborted!: (reason: unknown) => void;
  const started = new Promise<GenerateInput>((resolve) => (markStarted = resolve));
  const aborted = new Promise<unknown>((resolve) => (markAborted = resolve));
  const provider = scriptedProvider(
    (input) =>
      new Promise((_resolve, reject) => {
        input.signal.addEventListener('abort', () => {
          markAborted(input.signal.reason);
          reject(input.signal.reason);
        });
        markStarted(input);
      }),
  );
  return { provider, started, aborted };
}
