export { Imageka } from './client.js';
export type { CaptchaAudio, CaptchaAudioOptions, CaptchaOptions, GenerateEvent, GenerateOptions, ImagekaOptions, RequestOptions } from './client.js';
export {
  AbortError,
  APIError,
  CapacityError,
  CaptchaError,
  ConnectionError,
  ImagekaError,
  OverloadedError,
  ProofOfWorkError,
  PromptRejectedError,
  ProviderError,
  RateLimitError,
  TimeoutError,
  ValidationError,
  isAbortError,
  isAPIError,
  isCapacityError,
  isCaptchaError,
  isConnectionError,
  isImagekaError,
  isOverloadedError,
  isProofOfWorkError,
  isPromptRejectedError,
  isProviderError,
  isRateLimitError,
  isTimeoutError,
  isValidationError,
} from './errors.js';
export type { CaptchaFailure } from './errors.js';
export { solvePow } from './pow.js';
export type { SolvePowOptions } from './pow.js';
export { ERROR_CODES, POW_ALGORITHM, IMAGE_SIZES, DEFAULT_ASPECT_RATIO, PROMPT_MAX_LENGTH, NEGATIVE_PROMPT_MAX_LENGTH, SEED_MAX } from './types.js';
export type {
  AspectRatio,
  CaptchaResponse,
  ErrorBody,
  ErrorCode,
  GenerateFields,
  GenerateProgress,
  GenerateQueued,
  GenerateRequest,
  GenerateResponse,
  HealthResponse,
  ImageSize,
  PowChallenge,
  PowSolution,
  ProviderInfo,
} from './types.js';
