/**
 * The base of every fake upstream: an HTTP server on 127.0.0.1, port 0, that records what it
 * was sent and notices when a client walks away before the answer is complete.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** Distinctive text sent as the prompt; it must never appear in a UpstreamError. */
export const CANARY = 'canary-Q7ZX-8841 a violet lighthouse whispering to the tide';

/** Prompt text shaped like a token, as a service that echoes the request may put it in an error code. */
export const CANARY_CODE = 'my-private-diagnosis-Q7ZX-8841';

/** What the next upstream answer should look like. */
export type Scenario = 'success' | 'safety' | 'unauthorized' | 'rate-seconds' | 'rate-date' | 'slow' | 'malformed' | 'echo-code';

/** Retry-After the fakes send: `RETRY_SECONDS`, or an HTTP date `RETRY_DATE_SECONDS` ahead. */
export const RETRY_SECONDS = 7;
export const RETRY_DATE_SECONDS = 30;

export interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** Resolves once the client closed the connection before the answer was complete. */
  readonly aborted: Promise<void>;
  wasAborted: boolean;
}

export type Handler = (seen: Seen, res: http.ServerResponse, fake: FakeUpstream) => void | Promise<void>;

export class FakeUpstream {
  scenario: Scenario = 'success';
  readonly seen: Seen[] = [];
  url = '';
  readonly server: http.Server;
  readonly #held: Seen[] = [];
  readonly #holdWaiters: ((seen: Seen) => void)[] = [];

  private constructor(handler: Handler) {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const seen = trackClose(
          { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) },
          (markAborted) => res.on('close', () => { if (!res.writableFinished) markAborted(); }),
        );
        this.seen.push(seen);
        Promise.resolve(handler(seen, res, this)).catch((err: unknown) => {
          if (!res.headersSent) res.writeHead(500).end(String(err));
        });
      });
    });
  }

  static async start(handler: Handler): Promise<FakeUpstream> {
    const fake = new FakeUpstream(handler);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    return fake;
  }

  /** Leaves this request (or socket) unanswered, like an upstream still thinking. */
  hold(seen: Seen): void {
    const waiter = this.#holdWaiters.shift();
    if (waiter) waiter(seen);
    else this.#held.push(seen);
  }

  /** The next request the fake decided to hold. */
  nextHold(): Promise<Seen> {
    const held = this.#held.shift();
    if (held) return Promise.resolve(held);
    return new Promise((resolve) => this.#holdWaiters.push(resolve));
  }

  /** Requests whose path starts with `prefix`. */
  requests(prefix: string): Seen[] {
    return this.seen.filter((s) => s.url.startsWith(prefix));
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Builds a Seen whose `aborted` promise the caller resolves through `watch`. */
export function trackClose(fields: Omit<Seen, 'aborted' | 'wasAborted'>, watch: (markAborted: () => void) => void): Seen {
  let markAborted!: () => void;
  const aborted = new Promise<void>((resolve) => (markAborted = resolve));
  const seen: Seen = { ...fields, aborted, wasAborted: false };
  watch(() => {
    seen.wasAborted = true;
    markAborted();
  });
  return seen;
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

export function sendBytes(res: http.ServerResponse, status: number, bytes: Uint8Array, contentType: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': String(bytes.byteLength), ...headers }).end(bytes);
}

/** The Retry-After header of the current 429 scenario. */
export function retryAfterHeader(scenario: Scenario): Record<string, string> {
  if (scenario === 'rate-date') return { 'retry-after': new Date(Date.now() + RETRY_DATE_SECONDS * 1000).toUTCString() };
  return { 'retry-after': String(RETRY_SECONDS) };
}

export function isRateScenario(scenario: Scenario): boolean {
  return scenario === 'rate-seconds' || scenario === 'rate-date';
}
