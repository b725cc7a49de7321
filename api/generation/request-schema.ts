import Joi from 'joi';
import {
  CAPTCHA_ANSWER_MAX_LENGTH,
  IMAGE_SIZES,
  NEGATIVE_PROMPT_MAX_LENGTH,
  POW_ALGORITHM,
  PROMPT_MAX_LENGTH,
  SEED_MAX,
  type GenerateRequest,
} from '../../sdk/types.js';

// C0 and C1 controls other than tab, line feed and carriage return, which are folded to spaces.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/u;
const SIZE_LIST = Object.values(IMAGE_SIZES).map(({ width, height }) => `${width}x${height}`);

/** Trims, folds whitespace, refuses control characters and counts length in code points. */
const text = (max: number, required: boolean) =>
  Joi.any().custom((value: unknown, helpers) => {
    if (typeof value !== 'string') return helpers.error('text.type');
    if (CONTROL.test(value)) return helpers.error('text.control');
    const folded = value.replace(/\s+/gu, ' ').trim();
    const length = [...folded].length;
    if ((required && length === 0) || length > max) return helpers.error('text.length');
    return folded;
  });

const base64url = (bytes: number) => Joi.string().length(Math.ceil((bytes * 4) / 3)).pattern(/^[\w-]+$/).required();
const whole = (max: number) => Joi.number().integer().strict().min(0).max(max).required();

/** The solved proof of work, as `solvePow` returns it; whether it is right is the pow plugin's call. */
const powSchema = Joi.object({
  algorithm: Joi.string().valid(POW_ALGORITHM).required(),
  salt: base64url(16),
  iterations: whole(1_000_000),
  maxNumber: whole(100_000_000),
  key: base64url(32),
  expiresAt: Joi.string().isoDate().max(32).required(),
  signature: base64url(32),
  number: whole(100_000_000),
});

/**
 * Messages name the field and the rule, never the value: a prompt must not come back in an
 * error body or a log line.
 */
export const generateRequestSchema = Joi.object<GenerateRequest>({
  prompt: text(PROMPT_MAX_LENGTH, true).required(),
  captcha: Joi.string().trim().min(1).max(CAPTCHA_ANSWER_MAX_LENGTH).required(),
  width: Joi.number().integer().strict(),
  height: Joi.number().integer().strict(),
  seed: Joi.number().integer().strict().min(0).max(SEED_MAX),
  negativePrompt: text(NEGATIVE_PROMPT_MAX_LENGTH, false),
  // Optional here so that a body without it meets the session first: no captcha pending says more.
  pow: powSchema,
})
  .and('width', 'height')
  .custom((value: GenerateRequest, helpers) => {
    if (value.width === undefined) return value;
    return SIZE_LIST.includes(`${value.width}x${value.height}`) ? value : helpers.error('size.unknown');
  });

export const FIELD_MESSAGES: Record<string, string> = {
  prompt: `"prompt" must be a text of 1–${PROMPT_MAX_LENGTH} characters, without control characters.`,
  negativePrompt: `"negativePrompt" must be a text of at most ${NEGATIVE_PROMPT_MAX_LENGTH} characters, without control characters.`,
  captcha: '"captcha" must be the text shown in the captcha image.',
  width: `"width" and "height" must be given together, as one of: ${SIZE_LIST.join(', ')}.`,
  height: `"width" and "height" must be given together, as one of: ${SIZE_LIST.join(', ')}.`,
  seed: `"seed" must be a whole number from 0 to ${SEED_MAX}.`,
  pow: '"pow" must be the solved proof of work of the captcha, as the SDK\'s solvePow returns it.',
};

export function describeValidationError(error: Joi.ValidationError | undefined): { field: string | undefined; missing: boolean; message: string } {
  const detail = error?.details[0];
  const field = detail?.path[0] === undefined ? undefined : String(detail.path[0]);
  // A field absent from the body, not a part missing inside one (a malformed `pow`).
  const missing = (detail?.type === 'any.required' || detail?.type === 'string.empty') && detail.path.length === 1;
  return { field, missing, message: messageFor(detail, field) };
}

function messageFor(detail: Joi.ValidationErrorItem | undefined, field: string | undefined): string {
  if (detail?.type === 'object.unknown' && detail.path.length === 1) {
    return `Unknown field. Allowed fields: ${Object.keys(FIELD_MESSAGES).join(', ')}.`;
  }
  if (detail?.type === 'size.unknown' || detail?.type === 'object.and') return FIELD_MESSAGES.width!;
  if (field && FIELD_MESSAGES[field]) return FIELD_MESSAGES[field]!;
  return 'The body must be a JSON object with "prompt" and "captcha".';
}
