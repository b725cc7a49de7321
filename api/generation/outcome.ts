import type Boom from '@hapi/boom';
import { apiError } from '../errors.js';
import { UpstreamError } from '../providers/types.js';

/** How long a client should wait when an upstream is busy but did not say. */
const DEFAULT_BUSY_SECONDS = 30;

/** Maps an upstream failure to the stable error a client sees; never includes upstream text. */
export function providerFailureToBoom(error: unknown): Boom.Boom {
  if (!(error instanceof UpstreamError)) {
    return apiError(500, 'internal_error', 'An internal error occurred. Please try again.');
  }
  switch (error.kind) {
    case 'rejected':
      return apiError(422, 'prompt_rejected', 'The image service refused this prompt under its content rules. Rephrase it and try again.');
    case 'busy':
      return apiError(503, 'provider_busy', 'The image service is busy right now. Try again shortly.', {
        retryAfter: error.retryAfter ?? DEFAULT_BUSY_SECONDS,
      });
    case 'timeout':
      return apiError(504, 'provider_timeout', 'The image service took too long to answer. Try again.');
    default:
      return apiError(502, 'provider_error', 'The image service failed to produce an image. Try again later.');
  }
}

/** What an operator may read about a failure: kinds and status codes, never a message that could hold the prompt. */
export function describeFailure(error: unknown): Record<string, string> {
  if (error instanceof UpstreamError) return { failure: error.kind, detail: error.detail };
  const name = error instanceof Error ? error.name : typeof error;
  const code = (error as { code?: unknown } | null)?.code;
  return { failure: 'exception', name, ...(typeof code === 'string' ? { code } : {}) };
}
