import { createRequire } from 'node:module';
import type { Server, ServerInjectResponse } from '@hapi/hapi';
import { onTestFinished } from 'vitest';
import { leftoverServers } from './leftover-servers.js';
import type { CaptchaMaker } from '../../api/captcha/maker.js';
import { encodeWav } from '../../api/captcha/wav.js';
import { createServer, type CreateServerOptions } from '../../api/server.js';
import { solvePow } from '../../sdk/pow.js';
import type { CaptchaResponse, PowChallenge, PowSolution } from '../../sdk/types.js';
import type { GeneratedImage, GenerateInput, ImageProvider } from '../../api/providers/types.js';

const drawCaptcha = createRequire(import.meta.url)('svg-captcha') as (text: string, options: object) => string;

/** A real svg-captcha drawing with a known answer. */
export function fixedCaptcha(text = 'ACDEH'): CaptchaMaker {
  return () => ({ text, svg: drawCaptcha(text, { width: 200, height: 70, fontSize: 56, noise: 1 }) });
}

/**
 * A spoken captcha without the speech engine: a real (silent, 10 ms) WAV at once. For tests about
 * the route around the audio (limits, cookies, the document); the engine's own tests are integration.
 */
export const quietSpeech = async (): Promise<Buffer> => encodeWav({ sampleRate: 8000, samples: new Float32Array(80) });

/** A manual clock for expiry and rate-limit windows. */
export function manualClock(start = Date.UTC(2026, 0, 1)) {
  let time = start;
  const now = () => time;
  return Object.assign(now, { advance: (ms: number) => void (time += ms) });
}

/** The cheapest proof of work (one attempt of 1000 iterations): tests that are not about its cost stay fast. */
export const CHEAP_POW = { powMinCost: 1000, powMaxCost: 1000 } as const;

/** Stops a server once (a test may also stop it itself: hapi allows stopping twice). */
async function release(server: Server): Promise<void> {
  leftoverServers.delete(server);
  await server.stop();
}

/**
 * A real server, initialized (caches started) for `server.inject`, not listening. It is stopped
 * when the test that made it finishes, or when the file ends if it was made in a hook
 * (see test/helpers/leftover-servers.ts).
 */
export async function testServer(options: CreateServerOptions = {}): Promise<Server> {
  const server = await createServer({ port: 0, captcha: fixedCaptcha(), maxEventLoopDelayMs: 0, ...CHEAP_POW, ...options });
  await server.initialize();
  leftoverServers.add(server);
  try {
    onTestFinished(() => release(server));
  } catch {
    // Made in a hook, not a test: stopped after the file (leftover-servers.ts).
  }
  return server;
}

/** Every Set-Cookie header line, attributes included. */
export function setCookies(response: ServerInjectResponse): string[] {
  const header = response.headers['set-cookie'];
  return header === undefined ? [] : Array.isArray(header) ? header : [String(header)];
}

/** `imageka_session=…` for the next request's Cookie header. */
export function sessionCookie(response: ServerInjectResponse): string {
  const cookie = setCookies(response).find((c) => c.startsWith('imageka_session='));
  if (!cookie) throw new Error('no imageka_session cookie set');
  return cookie.split(';')[0]!;
}

/** The latest proof-of-work challenge issued to each session cookie, for `generate` to solve. */
const challenges = new Map<string, PowChallenge>();

export async function issueCaptcha(server: Server, headers: Record<string, string> = {}) {
  const response = await server.inject({ method: 'GET', url: '/api/v1/captcha', headers });
  const cookie = response.statusCode === 200 ? sessionCookie(response) : '';
  if (cookie) challenges.set(cookie, (response.result as CaptchaResponse).pow);
  return { response, cookie };
}

/** The solved proof of work of a captcha response, as the SDK would send it. */
export function solved(response: ServerInjectResponse): Promise<PowSolution> {
  return solvePow((response.result as CaptchaResponse).pow);
}

/**
 * POST /api/v1/generate as the SDK sends it: with the solved proof of work of the session's
 * latest captcha (from `issueCaptcha`), unless the payload says what `pow` to send.
 */
export async function generate(server: Server, cookie: string, payload: object, headers: Record<string, string> = {}) {
  return server.inject({ method: 'POST', url: '/api/v1/generate', headers: { cookie, ...headers }, payload: await withPow(cookie, payload) });
}

/** `payload` with the solved proof of work of the latest captcha `issueCaptcha` got for `cookie`, unless it has a `pow`. */
export async function withPow<T extends object>(cookie: string, payload: T): Promise<T> {
  const challenge = challenges.get(cookie);
  return 'pow' in payload || !challenge ? payload : { ...payload, pow: await solvePow(challenge) };
}

/** A provider under the test's control. */
export function scriptedProvider(behaviour: (input: GenerateInput) => Promise<GeneratedImage>, name = 'scripted'): ImageProvider & { calls: GenerateInput[] } {
  const calls: GenerateInput[] = [];
  return {
    name,
    preview: false,
    calls,
    generate(input) {
      calls.push(input);
      return behaviour(input);
    },
  };
}
