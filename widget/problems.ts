import {
  isAPIError,
  isCapacityError,
  isCaptchaError,
  isConnectionError,
  isOverloadedError,
  isProofOfWorkError,
  isPromptRejectedError,
  isProviderError,
  isRateLimitError,
  isTimeoutError,
  isValidationError,
} from '../sdk/index.js';
import type { Stage } from './events.js';
import type { ProblemKind } from './strings.js';

export type { Stage } from './events.js';

/** Something the visitor has to know about, in terms the UI can word in any language. */
export interface Problem {
  kind: ProblemKind;
  stage: Stage;
  /** The API's `code`, or `http_<status>`, `connection_error`, `timeout`, `invalid_api`, `unknown_error`. */
  code: string;
  /** Epoch ms before which trying again is pointless (429, busy, overloaded, budget used up). */
  retryAt?: number;
  /** The API's own message, shown for validation errors (it never repeats what was sent). */
  detail?: string;
}

/** Translates anything the SDK threw. Abort is not a problem: callers handle it first. */
export function problemOf(error: unknown, stage: Stage, now = Date.now()): Problem {
  const code = isAPIError(error) ? (error.code ?? `http_${error.status}`) : isConnectionError(error) ? 'connection_error' : isTimeoutError(error) ? 'timeout' : 'unknown_error';
  const problem: Problem = { kind: kindOf(error, stage), stage, code };
  const retryAfter = isRateLimitError(error) || isProviderError(error) || isOverloadedError(error) || isCapacityError(error) ? error.retryAfter : undefined;
  if (retryAfter !== undefined && retryAfter > 0) problem.retryAt = now + retryAfter * 1000;
  if (isValidationError(error)) problem.detail = error.message;
  return problem;
}

function kindOf(error: unknown, stage: Stage): ProblemKind {
  // The captcha routes have their own per-minute limit: saying "too many images" there would be false.
  if (isRateLimitError(error)) return stage !== 'generate' ? 'captcha-limited' : error.code === 'concurrent_limit' ? 'concurrent' : 'rate-limited';
  if (stage === 'audio') return 'audio';
  if (isCaptchaError(error)) return error.reason === 'wrong' ? 'captcha-wrong' : 'captcha-expired';
  if (isCapacityError(error)) return error.window === 'hour' ? 'capacity-hour' : 'capacity-day';
  if (isProofOfWorkError(error)) return 'pow';
  // The proof of work needs Web Crypto, which browsers give only to https (and localhost) pages.
  if (!globalThis.crypto?.subtle) return 'insecure';
  if (isOverloadedError(error) || (isProviderError(error) && error.code === 'provider_busy')) return 'busy';
  if (isPromptRejectedError(error)) return 'rejected';
  if (isProviderError(error)) return error.code === 'provider_timeout' ? 'timeout' : 'provider';
  if (isTimeoutError(error)) return 'timeout';
  if (isConnectionError(error)) return 'network';
  if (isValidationError(error)) return 'invalid';
  return 'unknown';
}

/**
 * The control a problem is about: its message is shown next to it, and the visitor lands there
 * after a generation fails. Captcha-stage problems belong to the captcha box.
 */
export function focusTarget(problem: Problem): 'answer' | 'prompt' | 'generate' {
  if (problem.stage !== 'generate' || problem.kind === 'captcha-wrong' || problem.kind === 'captcha-expired' || problem.kind === 'pow') return 'answer';
  return problem.kind === 'rejected' ? 'prompt' : 'generate';
}
