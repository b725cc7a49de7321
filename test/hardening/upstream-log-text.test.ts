/**
 * A service that echoes the request can put prompt text into any field, codes included, and make
 * it look like a token. Each adapter reads its error codes from a fixed list: anything else
 * reaches the operator log as "undocumented-code", never as itself.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createAutomatic1111Provider } from '../../api/providers/automatic1111.js';
import { createCloudflareProvider } from '../../api/providers/cloudflare.js';
import { createComfyUIProvider } from '../../api/providers/comfyui.js';
import { createOpenAIProvider } from '../../api/providers/openai.js';
import { createPollinationsProvider } from '../../api/providers/pollinations.js';
import { createStabilityProvider } from '../../api/providers/stability.js';
import { UpstreamError, type ImageProvider } from '../../api/providers/types.js';
import { CANARY, CANARY_CODE, FakeUpstream, sendJson, type Handler } from '../api/providers/fakes/upstream.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

/** Every code-like field any adapter reads, all carrying the prompt. */
const ECHO = { error: { code: CANARY_CODE, type: CANARY_CODE, message: CANARY }, name: CANARY_CODE, errors: [{ code: CANARY_CODE, message: CANARY }], success: false };
const answer = (body: unknown, status = 500): Handler => (_seen, res) => sendJson(res, status, body);

const comfyHistoryError: Handler = (seen, res) => {
  if (seen.url.startsWith('/prompt')) return sendJson(res, 200, { prompt_id: 'p1', number: 1, node_errors: {} });
  if (seen.url.startsWith('/history/')) {
    return sendJson(res, 200, { p1: { outputs: {}, status: { status_str: 'error', messages: [['execution_error', { exception_type: CANARY_CODE, exception_message: CANARY }]] } } });
  }
  return sendJson(res, 200, {});
};

const CASES: Array<[string, Handler, (base: string) => ImageProvider]> = [
  ['openai (error.code, error.type)', answer(ECHO), (base) => createOpenAIProvider({ apiKey: 'k', baseUrl: `${base}/v1` })],
  ['openai localai (error.code)', answer(ECHO), (base) => createOpenAIProvider({ flavor: 'localai', model: 'sd', baseUrl: `${base}/v1` })],
  ['stability (name)', answer(ECHO), (base) => createStabilityProvider({ apiKey: 'k', baseUrl: base })],
  ['cloudflare (errors[0].code)', answer(ECHO), (base) => createCloudflareProvider({ accountId: '0'.repeat(32), apiToken: 'k', baseUrl: base })],
  ['cloudflare in a 200 envelope', answer(ECHO, 200), (base) => createCloudflareProvider({ accountId: '0'.repeat(32), apiToken: 'k', baseUrl: base })],
  ['pollinations (error.code)', answer(ECHO), (base) => createPollinationsProvider({ apiKey: 'k', baseUrl: base })],
  ['automatic1111 (error)', answer({ error: CANARY_CODE, detail: CANARY }), (base) => createAutomatic1111Provider({ baseUrl: base })],
  ['comfyui /prompt (error.type)', answer(ECHO, 400), (base) => createComfyUIProvider({ baseUrl: base })],
  ['comfyui /prompt (error as a string)', answer({ error: CANARY_CODE }, 400), (base) => createComfyUIProvider({ baseUrl: base })],
  ['comfyui execution_error (exception_type)', comfyHistoryError, (base) => createComfyUIProvider({ baseUrl: base, pollIntervalMs: 5 })],
];

describe('upstream error codes that echo the prompt', () => {
  it.each(CASES)('%s: the detail says undocumented-code, never the echoed text', async (_name, handler, create) => {
    const upstream = await FakeUpstream.start(handler);
    cleanups.push(() => upstream.close());
    const error = await create(upstream.url)
      .generate({ prompt: CANARY, width: 1024, height: 1024, seed: 1, signal: new AbortController().signal })
      .then(() => undefined, (err: unknown) => err);
    expect(error).toBeInstanceOf(UpstreamError);
    const { detail } = error as UpstreamError;
    expect(detail).toContain('undocumented-code');
    expect(detail).not.toContain('diagnosis');
    expect(detail).not.toContain('Q7ZX');
  });
});
