import Boom from '@hapi/boom';
import type { ErrorCode } from '../sdk/types.js';

/**
 * Every error the API sends is a Boom carrying one of our stable codes, so clients get
 * `{ statusCode, error, message, code, retryAfter? }`. Messages are written for people and
 * never include what the client sent.
 */
export function apiError(
  statusCode: number,
  code: ErrorCode,
  message: string,
  options: { retryAfter?: number } = {},
): Boom.Boom {
  const error = new Boom.Boom(message, { statusCode });
  setCode(error, code);
  if (options.retryAfter !== undefined) {
    const seconds = Math.max(1, Math.ceil(options.retryAfter));
    error.output.payload.retryAfter = seconds;
    error.output.headers['retry-after'] = String(seconds);
  }
  return error;
}

export function setCode(error: Boom.Boom, code: ErrorCode): void {
  (error.output.payload as unknown as { code: ErrorCode }).code = code;
}

export function codeOf(error: Boom.Boom): ErrorCode | undefined {
  return (error.output.payload as unknown as { code?: ErrorCode }).code;
}

/** The code for errors hapi raises itself (routing, payload parsing, load limits). */
export function defaultCodeFor(statusCode: number): ErrorCode {
  switch (statusCode) {
    case 404:
    case 405:
      return 'not_found';
    case 413:
      return 'payload_too_large';
    case 415:
      return 'unsupported_media_type';
    case 429:
      return 'rate_limited';
    case 503:
      return 'overloaded';
    default:
      return statusCode < 500 ? 'invalid_request' : 'internal_error';
  }
}
