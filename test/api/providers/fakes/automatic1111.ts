/**
 * AUTOMATIC1111 /sdapi/v1 (providers.md §6): txt2img blocks while /progress rises, then answers
 * `{images, parameters, info}` with a PNG whose tEXt `parameters` quotes the prompt. No safety
 * filter of its own: the safety checker extension answers an all-black image.
 */
import type http from 'node:http';
import { blackPng, pngWithPromptChunks } from '../fixtures/images.js';
import { CANARY, FakeUpstream, isRateScenario, retryAfterHeader, sendBytes, sendJson } from './upstream.js';

export interface A1111FakeOptions {
  /** Hold txt2img until /progress has been polled this many times (rising 0.25, 0.5, …). */
  progressPolls?: number;
}

export async function startA1111Fake(options: A1111FakeOptions = {}): Promise<FakeUpstream> {
  const image = await pngWithPromptChunks(CANARY);
  const black = await blackPng();
  let polls = 0;
  let pending: (() => void) | undefined;
  const release = () => {
    pending?.();
    pending = undefined;
  };

  return FakeUpstream.start((seen, res, fake) => {
    if (seen.method === 'GET' && seen.url === '/sdapi/v1/progress?skip_current_image=true') {
      polls += 1;
      // Rises by one step per poll until the image is released, then stays: no race with late polls.
      const steps = (options.progressPolls ?? 1) + 1;
      const progress = Math.min(polls, steps - 1) / steps;
      sendJson(res, 200, { progress, eta_relative: 1, state: { sampling_step: polls, sampling_steps: steps }, current_image: null, textinfo: CANARY });
      if (polls >= (options.progressPolls ?? 0)) release();
      return;
    }
    if (seen.method !== 'POST' || seen.url !== '/sdapi/v1/txt2img') return sendJson(res, 404, { detail: 'Not Found' });

    switch (fake.scenario) {
      case 'success':
      case 'safety': {
        const answer = () => answerImages(res, fake.scenario === 'safety' ? black : image);
        if (polls >= (options.progressPolls ?? 0)) return answer();
        pending = answer;
        return;
      }
      case 'unauthorized':
        return sendJson(res, 401, { error: 'HTTPException', detail: 'Incorrect username or password', body: '', errors: '' }, { 'www-authenticate': 'Basic' });
      case 'slow':
        return fake.hold(seen);
      case 'malformed':
        return sendBytes(res, 200, Buffer.from(`{"images":["iVBOR`), 'application/json');
      default:
        // A1111 has no rate limit of its own; this is the reverse proxy in front of it.
        if (!isRateScenario(fake.scenario)) throw new Error(`unhandled scenario ${fake.scenario}`);
        return sendBytes(res, 429, Buffer.from(`Too Many Requests`), 'text/plain', retryAfterHeader(fake.scenario));
    }
  });
}

function answerImages(res: http.ServerResponse, png: Buffer): void {
  sendJson(res, 200, {
    images: [png.toString('base64')],
    parameters: { prompt: CANARY, seed: 1234 },
    info: JSON.stringify({ prompt: CANARY, all_prompts: [CANARY], seed: 1234, infotexts: [CANARY] }),
  });
}
