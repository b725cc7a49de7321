import { isObject } from './errors.js';
import { errorFromText, parseJson, readJson } from './http.js';
import { callOf, send, type RequestOptions, type Transport } from './transport.js';
import type { CaptchaResponse, HealthResponse } from './types.js';

/*
 * Each API call as a function of a transport (generation in generate.ts): `Imageka`'s methods
 * delegate here, and a bundle that imports only some of them (the widget) leaves the rest out.
 */

export interface CaptchaOptions extends RequestOptions {
  /** `dark` draws light characters on a dark ground, for dark pages. @default 'light' */
  theme?: 'light' | 'dark';
}

/** See `Imageka.captcha`. */
export async function captcha(transport: Transport, options: CaptchaOptions = {}): Promise<CaptchaResponse> {
  const call = callOf(transport, 'GET', options.theme === 'dark' ? '/api/v1/captcha?theme=dark' : '/api/v1/captcha', 'application/json', options);
  const challenge = await send(transport, call, options, (response) => readJson<CaptchaResponse>(response));
  // Solving starts now, while the visitor reads the captcha; generate() waits for it if needed.
  if (isObject(challenge.pow)) transport.proof.start(challenge.pow);
  return challenge;
}

export interface CaptchaAudioOptions extends RequestOptions {
  /**
   * The language to speak the characters in, as a BCP 47 tag (`de`, `fr`, `pt-BR`, `de-CH`…).
   * A language the server has no voice for is spoken in English: see `CaptchaAudio.language`.
   * @default 'en'
   */
  lang?: string;
}

/** The spoken captcha: a `Blob` of type `audio/wav`. */
export interface CaptchaAudio extends Blob {
  /** The language it was spoken in (the `Content-Language` the API sent): English when `lang` had no voice. */
  readonly language: string;
}

/** See `Imageka.captchaAudio`. */
export function captchaAudio(transport: Transport, options: CaptchaAudioOptions = {}): Promise<CaptchaAudio> {
  const query = options.lang === undefined ? '' : `?lang=${encodeURIComponent(options.lang)}`;
  const call = callOf(transport, 'GET', `/api/v1/captcha/audio${query}`, 'audio/wav', options);
  return send(transport, call, options, async (response) => {
    const bytes = await response.arrayBuffer();
    const blob = new Blob([bytes], { type: response.headers.get('content-type') ?? 'audio/wav' });
    return Object.assign(blob, { language: response.headers.get('content-language') ?? 'en' });
  });
}

/** See `Imageka.health`. */
export function health(transport: Transport, options: RequestOptions = {}): Promise<HealthResponse> {
  const call = callOf(transport, 'GET', '/api/v1/health', 'application/json', options);
  return send(transport, call, options, readHealth, (response) => response.ok || response.status === 503);
}

/** A not-ready API answers 503 with a health body; any other 503 (overloaded, a proxy) is an error. */
async function readHealth(response: Response): Promise<HealthResponse> {
  if (response.ok) return readJson<HealthResponse>(response);
  const text = await response.text();
  const value = parseJson(text);
  if (isObject(value) && typeof value.status === 'string' && typeof value.ready === 'boolean') {
    return value as unknown as HealthResponse;
  }
  throw errorFromText(response, text);
}
