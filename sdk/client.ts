import { generate, generateStream, type GenerateEvent, type GenerateOptions } from './generate.js';
import * as requests from './requests.js';
import type { CaptchaAudio, CaptchaAudioOptions, CaptchaOptions } from './requests.js';
import { createTransport, type ImagekaOptions, type RequestOptions, type Transport } from './transport.js';
import type { CaptchaResponse, GenerateRequest, GenerateResponse, HealthResponse } from './types.js';

export type { CaptchaAudio, CaptchaAudioOptions, CaptchaOptions } from './requests.js';
export type { GenerateEvent, GenerateOptions } from './generate.js';
export type { ImagekaOptions, RequestOptions } from './transport.js';

/**
 * A client for the IMAGEKA API. One instance is one visitor: it holds the session that ties a
 * captcha to the `generate` call that spends it, in memory, for its own lifetime. The work is
 * done by the functions in requests.ts and generate.ts over one transport.
 */
export class Imageka {
  /** The normalised base URL, without a trailing slash. */
  readonly baseUrl: string;
  readonly timeout: number;
  readonly generateTimeout: number;
  readonly maxRetries: number;
  readonly maxRetryDelay: number;
  readonly #transport: Transport;

  constructor(options: ImagekaOptions) {
    const transport = (this.#transport = createTransport(options));
    this.baseUrl = transport.baseUrl;
    this.timeout = transport.timeout;
    this.generateTimeout = transport.generateTimeout;
    this.maxRetries = transport.maxRetries;
    this.maxRetryDelay = transport.maxRetryDelay;
  }

  /** Issues a new captcha for this client's session, replacing any pending one. */
  captcha(options?: CaptchaOptions): Promise<CaptchaResponse> {
    return requests.captcha(this.#transport, options);
  }

  /**
   * The pending captcha spoken aloud, as a `Blob` of type `audio/wav`: play it in a browser with
   * `URL.createObjectURL(blob)`, or read its bytes anywhere with `await blob.arrayBuffer()`.
   * `lang` picks the language; the result's `language` says which one was spoken.
   */
  captchaAudio(options?: CaptchaAudioOptions): Promise<CaptchaAudio> {
    return requests.captchaAudio(this.#transport, options);
  }

  /**
   * Makes an image. Sent once and never retried: the API spends the captcha on the attempt,
   * right or wrong. After a CaptchaError, or any error once generation started, load a new
   * captcha; ValidationError, RateLimitError and OverloadedError leave it pending.
   */
  generate(request: GenerateRequest, options?: GenerateOptions): Promise<GenerateResponse> {
    return generate(this.#transport, request, options);
  }

  /**
   * Makes an image and yields its progress, then the result. The request is sent when iteration
   * starts; leaving the loop early cancels it, and the API stops the image service's work.
   */
  generateStream(request: GenerateRequest, options?: RequestOptions): AsyncGenerator<GenerateEvent, void> {
    return generateStream(this.#transport, request, options);
  }

  /** The API's readiness. A not-ready API (503) still resolves, with `ready: false`. */
  health(options?: RequestOptions): Promise<HealthResponse> {
    return requests.health(this.#transport, options);
  }
}
