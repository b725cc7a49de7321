import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { solvePow } from '../../sdk/pow.js';
import type { CaptchaResponse, PowSolution } from '../../sdk/types.js';
import { startOpenAIFake } from '../api/providers/fakes/openai.js';
import { CANARY, CANARY_CODE, type FakeUpstream, type Scenario } from '../api/providers/fakes/upstream.js';
import { CHILD_CAPTCHA, removeChild, startChild, type Child } from './child.js';
import { accessLines, allBytes, containsText, eventLines, logLines } from './support.js';

const CAPTCHA_CANARY = 'cap7-canary-ZQ';
/** The canaries, and fragments of them in case something logs a slice. */
const NEEDLES = [CANARY, 'violet lighthouse', 'Q7ZX-8841', CANARY_CODE, 'private-diagnosis', CAPTCHA_CANARY, 'canary-ZQ', CHILD_CAPTCHA];

/** Our labels, and those of prom-client's process metrics (Node version, GC kind, heap space). */
const METRIC_LABELS = new Set(['provider', 'outcome', 'event', 'route', 'le', 'version', 'major', 'minor', 'patch', 'kind', 'space', 'type']);

/** Every path a generation request can take, and the status that proves it was taken. */
const EXPECTED: Record<string, number> = {
  'success (JSON)': 200,
  'success (event stream)': 200,
  'validation: missing prompt': 400,
  'validation: prompt too long': 400,
  'validation: control characters': 400,
  'validation: prompt not a string': 400,
  'validation: unknown size': 400,
  'validation: width without height': 400,
  'validation: bad seed': 400,
  'validation: negative prompt too long': 400,
  'validation: unknown field': 400,
  'validation: captcha answer too long': 400,
  'validation: missing captcha answer': 400,
  'validation: malformed proof of work': 400,
  'validation: missing proof of work': 400,
  'validation: prompt only in the query string': 400,
  'validation: body not JSON': 400,
  'validation: not application/json': 415,
  'validation: body too large': 413,
  'no captcha issued': 400,
  'wrong captcha': 403,
  'spoken captcha': 200,
  'expired captcha (right answer)': 403,
  'expired captcha (canary answer)': 403,
  'provider refuses the prompt': 422,
  'provider error': 502,
  'provider error whose code echoes the prompt': 502,
  'provider busy': 503,
  'provider sends garbage': 502,
  'provider timeout': 504,
  'unexpected exception in a handler': 500,
  'unexpected exception while encoding the image': 502,
  'client abort': 499,
  'rate limit': 429,
};

describe('Claim 3: a canary prompt and captcha answer, sent through every path, appear in 0 bytes of the log folder, stdout and stderr', () => {
  let fake: FakeUpstream;
  let child: Child;
  const outcomes: Record<string, number> = {};
  let exitCode: number | null = null;
  let metrics = '';

  beforeAll(async () => {
    fake = await startOpenAIFake();
    child = await startChild({
      IMAGEKA_PROVIDER: 'openai',
      OPENAI_API_KEY: 'sk-policy',
      OPENAI_BASE_URL: `${fake.url}/v1`,
      OPENAI_TIMEOUT_MS: '1000',
      RATE_LIMIT_GENERATE_PER_HOUR: '20',
      METRICS_PORT: '0',
    });
    await runEveryPath(child, fake, outcomes);
    metrics = await (await fetch(/metrics on (\S+)/.exec(child.stdout())![1]!)).text();
    // Last: an error that escapes every handler ends the process.
    await child.command({ type: 'crash', text: CANARY });
    exitCode = await child.exited;
  }, 120_000);

  afterAll(async () => {
    await removeChild(child);
    await fake?.close();
  });

  it.each(Object.entries(EXPECTED))('took the path "%s" (status %i)', (path, status) => {
    expect(outcomes[path]).toBe(status);
  });

  it('really handled the canary: the provider received it, each status is in the access log, the crash was reported', async () => {
    expect(fake.seen.some((seen) => seen.body.includes(CANARY))).toBe(true);
    const lines = await logLines(child.dirs.log);
    const statuses = new Set(accessLines(lines).map((line) => line.status));
    for (const status of Object.values(EXPECTED)) expect(statuses).toContain(status);
    // The injected faults really fired: one in the captcha handler, one in the image encoder.
    expect(eventLines(lines)).toContainEqual(expect.objectContaining({ event: 'internal-implementation-error', route: '/api/v1/captcha', error: 'TypeError', status: 500 }));
    expect(eventLines(lines)).toContainEqual(expect.objectContaining({ event: 'generate-error', failure: 'bad_output', detail: 'upstream image could not be re-encoded' }));
    // The echoed code was logged as what it is, not as what it says.
    expect(eventLines(lines)).toContainEqual(expect.objectContaining({ event: 'generate-error', failure: 'error', detail: 'upstream 500 undocumented-code' }));
    expect(exitCode).toBe(1);
    expect(child.stdout()).toMatch(/listening on/);
    expect(child.stderr()).toMatch(/\[imageka\] fatal error \{"error":"Error"/);
  });

  it.each(NEEDLES)('the log folder holds 0 bytes of "%s"', async (needle) => {
    expect(containsText(await allBytes(child.dirs.log), needle)).toBe(false);
  });

  it.each(NEEDLES)('the metrics hold 0 bytes of "%s"', (needle) => {
    expect(metrics).toMatch(/^imageka_generations_total\{/m);
    expect(containsText(metrics, needle)).toBe(false);
  });

  it('the metrics label only code-chosen values: no address, no session id, no free text', () => {
    const labels = [...metrics.matchAll(/^\w+\{([^}]*)\}/gm)].flatMap(([, inside]) => [...inside!.matchAll(/(\w+)="([^"]*)"/g)].map(([, name, value]) => [name!, value!] as const));
    expect(labels.length).toBeGreaterThan(10);
    const byName = (name: string) => new Set(labels.filter(([key]) => key === name).map(([, value]) => value));
    expect([...new Set(labels.map(([name]) => name))].every((name) => METRIC_LABELS.has(name))).toBe(true);
    expect([...byName('provider')]).toEqual(['openai']);
    expect([...byName('event')].sort()).toEqual(['expired', 'issued', 'right', 'spent', 'wrong']);
    for (const outcome of byName('outcome')) expect(outcome).toMatch(/^[a-z_]+$/);
    for (const route of byName('route')) expect(route).toMatch(/^\/api\/v1\/[a-z/]+$/);
    for (const [, value] of labels) {
      expect(value).not.toMatch(/\d+\.\d+\.\d+\.\d+|::/);
      expect(value.length).toBeLessThan(40);
    }
  });

  it.each(NEEDLES)('stdout and stderr hold 0 bytes of "%s"', (needle) => {
    expect(containsText(child.stdout(), needle)).toBe(false);
    expect(containsText(child.stderr(), needle)).toBe(false);
  });
});

async function runEveryPath(child: Child, fake: FakeUpstream, outcomes: Record<string, number>): Promise<void> {
  const api = (path: string, init: RequestInit = {}) => fetch(`${child.origin}${path}`, init);
  // Each session's proof of work, solved as the SDK would and sent with every object body.
  const proofs = new Map<string, PowSolution>();
  const captcha = async (): Promise<string> => {
    const response = await api('/api/v1/captcha');
    if (response.status !== 200) {
      await response.arrayBuffer();
      return '';
    }
    const cookie = response.headers.getSetCookie()[0]!.split(';')[0]!;
    proofs.set(cookie, await solvePow(((await response.json()) as CaptchaResponse).pow));
    return cookie;
  };
  const withProof = (cookie: string, body: unknown) =>
    typeof body === 'string' || (body as object | null) === null || 'pow' in (body as object) || !proofs.has(cookie) ? body : { ...(body as object), pow: proofs.get(cookie) };
  const send = async (cookie: string, body: unknown, headers: Record<string, string> = {}, path = '/api/v1/generate') => {
    const sent = withProof(cookie, body);
    const response = await api(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, ...headers },
      body: typeof sent === 'string' ? sent : JSON.stringify(sent),
    });
    await response.text();
    return response.status;
  };
  const attempt = async (name: string, body: object, scenario: Scenario = 'success', headers: Record<string, string> = {}) => {
    fake.scenario = scenario;
    outcomes[name] = await send(await captcha(), body, headers);
  };
  const right = { prompt: CANARY, negativePrompt: CANARY, captcha: CHILD_CAPTCHA };
  const wrong = { prompt: CANARY, negativePrompt: CANARY, captcha: CAPTCHA_CANARY };

  await attempt('success (JSON)', right);
  await attempt('success (event stream)', right, 'success', { accept: 'text/event-stream' });

  // Invalid requests keep the captcha, so one session serves them all.
  const cookie = await captcha();
  const invalid: Record<string, unknown> = {
    'validation: missing prompt': { negativePrompt: CANARY, captcha: CAPTCHA_CANARY },
    'validation: prompt too long': { prompt: CANARY.repeat(30), captcha: CAPTCHA_CANARY },
    'validation: control characters': { prompt: `${CANARY}\u0007`, captcha: CAPTCHA_CANARY },
    'validation: prompt not a string': { prompt: [CANARY], captcha: CAPTCHA_CANARY },
    'validation: unknown size': { ...wrong, width: 1000, height: 1000 },
    'validation: width without height': { ...wrong, width: 1024 },
    'validation: bad seed': { ...wrong, seed: CANARY },
    'validation: negative prompt too long': { ...wrong, negativePrompt: CANARY.repeat(30) },
    'validation: unknown field': { ...wrong, [CANARY]: CANARY },
    'validation: captcha answer too long': { prompt: CANARY, captcha: CAPTCHA_CANARY.repeat(4) },
    'validation: missing captcha answer': { prompt: CANARY },
    'validation: malformed proof of work': { ...wrong, pow: CANARY },
    'validation: missing proof of work': { ...wrong, pow: undefined },
    'validation: body not JSON': `{"prompt":"${CANARY}","captcha":"${CAPTCHA_CANARY}`,
    'validation: body too large': { ...wrong, negativePrompt: CANARY.repeat(400) },
  };
  for (const [name, body] of Object.entries(invalid)) outcomes[name] = await send(cookie, body);
  outcomes['validation: prompt only in the query string'] = await send(cookie, { captcha: CAPTCHA_CANARY }, {}, `/api/v1/generate?prompt=${encodeURIComponent(CANARY)}&captcha=${CAPTCHA_CANARY}`);
  outcomes['validation: not application/json'] = await send(cookie, `prompt=${CANARY}&captcha=${CAPTCHA_CANARY}`, { 'content-type': 'text/plain' });

  outcomes['no captcha issued'] = await send('', wrong);
  await attempt('wrong captcha', wrong);
  const spoken = await api('/api/v1/captcha/audio', { headers: { cookie: await captcha() } });
  await spoken.arrayBuffer();
  outcomes['spoken captcha'] = spoken.status;
  for (const [name, body] of [['expired captcha (right answer)', right], ['expired captcha (canary answer)', wrong]] as const) {
    const expiring = await captcha();
    await child.command({ type: 'advance', ms: 11 * 60 * 1000 });
    outcomes[name] = await send(expiring, body);
  }

  await attempt('provider refuses the prompt', right, 'safety');
  await attempt('provider error', right, 'unauthorized');
  await attempt('provider error whose code echoes the prompt', right, 'echo-code');
  await attempt('provider busy', right, 'rate-seconds');
  await attempt('provider sends garbage', right, 'malformed');

  await child.command({ type: 'fault', text: `${CANARY} ${CHILD_CAPTCHA}` });
  outcomes['unexpected exception in a handler'] = (await api('/api/v1/captcha')).status;
  const encoding = await captcha();
  fake.scenario = 'success';
  await child.command({ type: 'fault', text: CANARY });
  outcomes['unexpected exception while encoding the image'] = await send(encoding, right);

  fake.scenario = 'slow';
  const leaving = await captcha();
  await clientAbort(child, fake, leaving, JSON.stringify(withProof(leaving, right)));
  await vi.waitFor(async () => expect(accessLines(await logLines(child.dirs.log)).map((line) => line.status)).toContain(499), { timeout: 10_000 });
  outcomes['client abort'] = 499;
  await attempt('provider timeout', right, 'slow');

  // Well-formed (another session's proof of work), so each request reaches the limiter.
  const limited = { ...wrong, pow: [...proofs.values()][0] };
  for (let i = 0; i < 40 && outcomes['rate limit'] !== 429; i++) outcomes['rate limit'] = await send('', limited);
}

/** Sends the request, waits until the upstream has it, then hangs up. */
async function clientAbort(child: Child, fake: FakeUpstream, cookie: string, body: string): Promise<void> {
  const request = http.request(`${child.origin}/api/v1/generate`, { method: 'POST', headers: { 'content-type': 'application/json', cookie } });
  request.on('error', () => {});
  request.end(body);
  const held = await fake.nextHold();
  request.destroy();
  await held.aborted;
}
