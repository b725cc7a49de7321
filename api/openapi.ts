import {
  AUDIO_PLAYS_PER_CAPTCHA,
  CAPTCHA_ANSWER_MAX_LENGTH,
  ERROR_CODES,
  ERROR_STATUS,
  IMAGE_SIZES,
  NEGATIVE_PROMPT_MAX_LENGTH,
  POW_ALGORITHM,
  PROMPT_MAX_LENGTH,
  SEED_MAX,
  SESSION_COOKIE,
  SESSION_HEADER,
  type CaptchaResponse,
  type ErrorBody,
  type ErrorCode,
  type GenerateProgress,
  type GenerateQueued,
  type GenerateRequest,
  type GenerateResponse,
  type HealthResponse,
  type PowChallenge,
  type PowSolution,
  type ProviderInfo,
} from '../sdk/types.js';
import { LANGUAGE_TAG_PATTERN, SPOKEN_LANGUAGES } from './captcha/spoken-languages.js';
import { ROUTE_SUMMARIES } from './route-summaries.js';

/** The subset of JSON Schema 2020-12 (OpenAPI 3.1's dialect) this document uses. */
export interface JsonSchema {
  $ref?: string;
  type?: 'object' | 'string' | 'integer' | 'number' | 'boolean' | 'array';
  description?: string;
  /** `false`: the property must be absent. */
  properties?: Record<string, JsonSchema | false>;
  required?: string[];
  additionalProperties?: boolean;
  enum?: readonly (string | number)[];
  const?: string | number | boolean;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  contentMediaType?: string;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  not?: JsonSchema;
}

export interface MediaType {
  schema: JsonSchema;
}

export interface Header {
  description: string;
  required?: boolean;
  schema: JsonSchema;
}

export interface ResponseObject {
  description: string;
  headers?: Record<string, Header>;
  content?: Record<string, MediaType>;
}

export interface Parameter {
  name: string;
  in: 'header' | 'query' | 'path' | 'cookie';
  description: string;
  required?: boolean;
  schema: JsonSchema;
}

export interface Operation {
  operationId: string;
  summary: string;
  description?: string;
  parameters?: Parameter[];
  requestBody?: { required: boolean; content: Record<string, MediaType> };
  responses: Record<string, ResponseObject>;
  security?: Record<string, string[]>[];
}

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string; license: { name: string; identifier: string } };
  servers: { url: string; description: string }[];
  paths: Record<string, { get?: Operation; post?: Operation }>;
  components: {
    schemas: Record<string, JsonSchema>;
    headers: Record<string, Header>;
    responses: Record<string, ResponseObject>;
    securitySchemes: Record<string, { type: 'apiKey'; in: 'cookie' | 'header'; name: string; description: string }>;
  };
}

/** Marks a property the wire type declares optional. */
interface Optional {
  optional: JsonSchema;
}
const optional = (schema: JsonSchema): Optional => ({ optional: schema });

/**
 * An object schema checked against the wire type it describes: every property must be given,
 * optional ones (and only those) wrapped in `optional()`, so `required` cannot drift either.
 */
function object<T>(shape: { [K in keyof Required<T>]: undefined extends T[K] ? Optional : JsonSchema }): JsonSchema {
  const properties: Record<string, JsonSchema | false> = {};
  const required: string[] = [];
  for (const [key, value] of Object.entries(shape) as [string, JsonSchema | Optional][]) {
    if ('optional' in value) {
      properties[key] = value.optional;
    } else {
      properties[key] = value;
      required.push(key);
    }
  }
  return { type: 'object', properties, required, additionalProperties: false };
}

const ref = (name: keyof typeof schemas): JsonSchema => ({ $ref: `#/components/schemas/${name}` });

const SIZES = Object.values(IMAGE_SIZES);
const unique = (values: number[]): number[] => [...new Set(values)];
/**
 * Width and height must be one of the sizes together, not each on its own. Written as `oneOf`
 * beside `properties`, which generators such as openapi-typescript turn into
 * `{ …fields } & ({ width: 1024; height: 1024 } | …)`, the SDK's own `ImageSize` union.
 */
const sizePairs: JsonSchema[] = SIZES.map(({ width, height }) => ({
  properties: { width: { const: width }, height: { const: height } },
  required: ['width', 'height'],
}));
const noSize: JsonSchema = { properties: { width: false, height: false } };
const dimension = (axis: 'width' | 'height'): JsonSchema => ({ type: 'integer', enum: unique(SIZES.map((size) => size[axis])) });
const dataUrl = (types: string): JsonSchema => ({ type: 'string', pattern: `^data:image/(${types});base64,[A-Za-z0-9+/]+=*$` });

const base64url = (bytes: number): JsonSchema => ({ type: 'string', minLength: Math.ceil((bytes * 4) / 3), maxLength: Math.ceil((bytes * 4) / 3), pattern: '^[A-Za-z0-9_-]+$' });
const powChallengeShape = {
  algorithm: { type: 'string', const: POW_ALGORITHM },
  salt: { ...base64url(16), description: 'PBKDF2 password (its UTF-8 bytes).' },
  iterations: { type: 'integer', minimum: 1, description: 'PBKDF2 iterations per attempt.' },
  maxNumber: { type: 'integer', minimum: 0, description: 'The number searched for is one of 0…maxNumber; PBKDF2 salt is its decimal text.' },
  key: { ...base64url(32), description: 'The 32-byte PBKDF2-HMAC-SHA-256 output of the number searched for.' },
  expiresAt: { type: 'string', format: 'date-time', description: "The captcha's expiry." },
  signature: { ...base64url(32), description: "The server's HMAC; binds the challenge to the session and the captcha." },
} satisfies Record<keyof PowChallenge, JsonSchema>;

const healthStatuses: readonly HealthResponse['status'][] = ['ok', 'unavailable'];
const stores: readonly HealthResponse['store'][] = ['memory', 'redis'];
const budgetWindows: readonly NonNullable<ErrorBody['window']>[] = ['hour', 'day'];
const mimeTypes: readonly GenerateResponse['mimeType'][] = ['image/webp', 'image/png'];

const schemas = {
  CaptchaResponse: object<CaptchaResponse>({
    image: { ...dataUrl('webp|png'), description: 'The captcha as a raster image.' },
    width: { type: 'integer', minimum: 1 },
    height: { type: 'integer', minimum: 1 },
    expiresAt: { type: 'string', format: 'date-time', description: 'After this time the answer is refused with `captcha_expired`.' },
    audio: { type: 'string', description: 'Path of the same captcha spoken (`audio/wav`).' },
    generationsLeft: { type: 'integer', minimum: 0, description: 'Images this client may still make in the current rate-limit window. At 0, wait for `generationsResetAt` before spending a captcha.' },
    generationsResetAt: { type: 'string', format: 'date-time', description: 'When the rate-limit window starts over.' },
    pow: { $ref: '#/components/schemas/PowChallenge', description: 'The proof of work to solve before `POST /api/v1/generate`.' },
  }),
  PowChallenge: object<PowChallenge>(powChallengeShape),
  PowSolution: object<PowSolution>({ ...powChallengeShape, number: { type: 'integer', minimum: 0, description: 'The number found: 0 to `maxNumber`.' } }),
  GenerateRequest: {
    ...object<GenerateRequest>({
      prompt: { type: 'string', minLength: 1, maxLength: PROMPT_MAX_LENGTH, description: 'Trimmed; no control characters.' },
      captcha: { type: 'string', minLength: 1, maxLength: CAPTCHA_ANSWER_MAX_LENGTH, description: 'The captcha answer, case-insensitive. Spent by this request, right or wrong.' },
      width: optional(dimension('width')),
      height: optional(dimension('height')),
      seed: optional({ type: 'integer', minimum: 0, maximum: SEED_MAX, description: 'Random when omitted.' }),
      negativePrompt: optional({ type: 'string', maxLength: NEGATIVE_PROMPT_MAX_LENGTH }),
      pow: optional({ $ref: '#/components/schemas/PowSolution', description: 'The captcha\'s solved proof of work. Spent by this request.' }),
    }),
    // Optional in the SDK's type, which fills it in; the API refuses a body without it (`pow_missing`).
    required: ['prompt', 'captcha', 'pow'],
    oneOf: [noSize, ...sizePairs],
  },
  GenerateResponse: {
    ...object<GenerateResponse>({
      image: dataUrl('webp|png'),
      mimeType: { type: 'string', enum: mimeTypes },
      width: dimension('width'),
      height: dimension('height'),
      seed: { type: 'integer', minimum: 0, maximum: SEED_MAX },
      provider: { $ref: '#/components/schemas/ProviderInfo' },
    }),
    oneOf: sizePairs,
  },
  GenerateProgress: object<GenerateProgress>({
    elapsedMs: { type: 'integer', minimum: 0 },
    percent: optional({ type: 'number', minimum: 0, maximum: 100, description: 'Only where the image service reports it.' }),
    typicalMs: optional({ type: 'integer', minimum: 0, description: 'Moving average of how long the last images took on this server instance; absent until it has made one.' }),
  }),
  ProviderInfo: object<ProviderInfo>({
    name: { type: 'string', description: 'e.g. `offline`, `openai`, `stability`.' },
    preview: { type: 'boolean', description: 'True for the offline preview provider: its pictures are not AI.' },
  }),
  HealthResponse: object<HealthResponse>({
    status: { type: 'string', enum: healthStatuses },
    ready: { type: 'boolean' },
    provider: { $ref: '#/components/schemas/ProviderInfo' },
    store: { type: 'string', enum: stores },
  }),
  ErrorBody: object<ErrorBody>({
    statusCode: { type: 'integer', minimum: 400, maximum: 599 },
    error: { type: 'string', description: 'The HTTP reason phrase.' },
    message: { type: 'string', description: 'For people; never contains the prompt.' },
    code: { type: 'string', enum: ERROR_CODES },
    retryAfter: optional({ type: 'integer', minimum: 0, description: 'Seconds to wait; also in `Retry-After`.' }),
    window: optional({ type: 'string', enum: budgetWindows, description: 'On `capacity_reached`: which budget is used up, the UTC hour\'s or the UTC day\'s.' }),
  }),
  GenerateQueued: object<GenerateQueued>({
    position: { type: 'integer', minimum: 1, description: 'Place in this instance\'s queue; 1 = next to start.' },
  }),
} satisfies Record<string, JsonSchema>;

const headers = {
  RequestId: { description: 'A random id for this response. Server logs do not record it (they keep only the standard access-log fields).', required: true, schema: { type: 'string', minLength: 1 } },
  RetryAfter: { description: 'Seconds to wait before trying again.', required: true, schema: { type: 'integer', minimum: 0 } },
  // hapi-rate-limit's per-client counts on the captcha routes (RATE_LIMIT_CAPTCHA_PER_MINUTE).
  RateLimitLimit: { description: 'Requests this client may make to this route per minute.', required: true, schema: { type: 'integer', minimum: 1 } },
  RateLimitRemaining: { description: 'Requests left in this minute; -1 once over the limit.', required: true, schema: { type: 'integer', minimum: -1 } },
  RateLimitReset: { description: 'When the count starts again, in milliseconds since the Unix epoch.', required: true, schema: { type: 'integer', minimum: 0 } },
  ContentLanguage: {
    description: 'The language the characters were spoken in: the one asked for by `lang`, or `en` when it has no voice.',
    required: true,
    schema: { type: 'string', enum: Object.keys(SPOKEN_LANGUAGES) },
  },
  Session: {
    description: `The sealed session. Send it back as the \`${SESSION_HEADER}\` request header where cookies are blocked.`,
    required: true,
    schema: { type: 'string', minLength: 1 },
  },
} satisfies Record<string, Header>;

const headerRef = (name: keyof typeof headers) => ({ $ref: `#/components/headers/${name}` }) as unknown as Header;

/** The counts hapi-rate-limit adds to every answer of a captcha route (they may be missing on other errors). */
const rateLimitHeaders = (required: boolean): Record<string, Header> => {
  const of = (name: 'RateLimitLimit' | 'RateLimitRemaining' | 'RateLimitReset') => (required ? headerRef(name) : { ...headers[name], required: false });
  return {
    'X-RateLimit-UserPathLimit': of('RateLimitLimit'),
    'X-RateLimit-UserPathRemaining': of('RateLimitRemaining'),
    'X-RateLimit-UserPathReset': of('RateLimitReset'),
  };
};

/** Codes that come with `Retry-After`. */
const RETRY_CODES: readonly ErrorCode[] = ['rate_limited', 'concurrent_limit', 'provider_busy', 'overloaded', 'capacity_reached'];

/** Any route can meet these: hapi's own limits and failures. */
const COMMON_CODES: readonly ErrorCode[] = ['overloaded', 'store_unavailable', 'internal_error'];

/**
 * Error responses grouped by status, each body's `code` narrowed to the codes listed, all built
 * from ERROR_STATUS so a status never drifts from its code.
 */
function errorResponses(routeCodes: readonly ErrorCode[], { rateLimited = false } = {}): Record<string, ResponseObject> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set([...routeCodes, ...COMMON_CODES])) {
    const status = ERROR_STATUS[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses: Record<string, ResponseObject> = {};
  for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
    const retry = codes.some((code) => RETRY_CODES.includes(code));
    // A 429 always says when to come back; a 503 does when the code knows.
    const retryAfter: Record<string, Header> = !retry ? {} : { 'Retry-After': status === 429 ? headerRef('RetryAfter') : { ...headers.RetryAfter, required: false } };
    responses[String(status)] = {
      description: `Error: ${codes.map((code) => `\`${code}\``).join(', ')}.${retry ? ' `Retry-After` is set where the code calls for it.' : ''}`,
      headers: { 'X-Request-Id': headerRef('RequestId'), ...retryAfter, ...(rateLimited ? rateLimitHeaders(status === 429) : {}) },
      content: {
        'application/json': { schema: { allOf: [ref('ErrorBody'), { properties: { code: { enum: codes } } }] } },
      },
    };
  }
  return responses;
}

const json = (schema: JsonSchema): Record<string, MediaType> => ({ 'application/json': { schema } });
const ok = (description: string, content: Record<string, MediaType>, extra: Record<string, Header> = {}): ResponseObject => ({
  description,
  headers: { 'X-Request-Id': headerRef('RequestId'), ...extra },
  content,
});
// The empty requirement: a session is optional (the first captcha starts one).
const session: Record<string, string[]>[] = [{ sessionCookie: [] }, { sessionHeader: [] }, {}];

export const openApiDocument: OpenApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'IMAGEKA API',
    version: '1.0.0',
    description:
      'A free, anonymous image generator. Load a captcha, then send its answer with the prompt. ' +
      'Each captcha allows one attempt, right or wrong, and expires. The session that ties them is ' +
      `the \`${SESSION_COOKIE}\` cookie or, where cookies are blocked, the \`${SESSION_HEADER}\` header.`,
    license: { name: 'GPL-3.0-or-later', identifier: 'GPL-3.0-or-later' },
  },
  // Relative: the server that serves this document (GET /api/v1/openapi.json) is the API.
  servers: [{ url: '/', description: 'The server this document was loaded from' }],
  paths: {
    '/api/v1/captcha': {
      get: {
        operationId: 'getCaptcha',
        summary: ROUTE_SUMMARIES.captcha,
        description:
          'The image is drawn at twice its SVG size (440 × 140) for sharp display on high-density screens; ' +
          'show it at half its pixel size. The answer also tells how many images this client may still make in the rate-limit window.',
        security: session,
        parameters: [
          {
            name: 'theme',
            in: 'query',
            description: '`dark` draws light characters on a dark ground, for dark pages; any other value draws the light captcha.',
            schema: { type: 'string', enum: ['light', 'dark'] },
          },
        ],
        responses: {
          '200': ok('A new captcha.', json(ref('CaptchaResponse')), {
            [SESSION_HEADER]: headerRef('Session'),
            ...rateLimitHeaders(true),
          }),
          ...errorResponses(['rate_limited'], { rateLimited: true }),
        },
      },
    },
    '/api/v1/captcha/audio': {
      get: {
        operationId: 'getCaptchaAudio',
        summary: ROUTE_SUMMARIES.captchaAudio,
        description:
          `Each character by the name the language gives it, with a spelling word of that language; digits as its numbers. ` +
          `One captcha can be played ${AUDIO_PLAYS_PER_CAPTCHA} times; then \`captcha_audio_limit\`. Clips are made on a few ` +
          'background threads with a share per client: beyond it `rate_limited`, with the queue full `overloaded`.',
        security: session,
        parameters: [
          {
            name: 'lang',
            in: 'query',
            description: `A BCP 47 language tag (\`de\`, \`de-CH\`, \`pt-BR\`). Spoken: ${Object.keys(SPOKEN_LANGUAGES).join(', ')}; any other language falls back to English (see \`Content-Language\`). A malformed tag is \`invalid_request\`.`,
            schema: { type: 'string', maxLength: 35, pattern: LANGUAGE_TAG_PATTERN },
          },
        ],
        responses: {
          '200': ok('The answer spoken, as WAV.', { 'audio/wav': { schema: { type: 'string', contentMediaType: 'audio/wav' } } }, {
            ...rateLimitHeaders(true),
            'Content-Language': headerRef('ContentLanguage'),
          }),
          ...errorResponses(['invalid_request', 'captcha_missing', 'captcha_expired', 'captcha_audio_limit', 'rate_limited'], { rateLimited: true }),
        },
      },
    },
    '/api/v1/generate': {
      post: {
        operationId: 'generate',
        summary: ROUTE_SUMMARIES.generate,
        description:
          'With `Accept: text/event-stream` the answer is a stream: while the request waits for a slot, ' +
          '`queued` events (GenerateQueued, each time its place changes); then `progress` events ' +
          '(GenerateProgress, about once a second) and exactly one `result` (GenerateResponse) or `error` (ErrorBody). ' +
          'Errors found before generation starts are plain HTTP errors either way. Closing the connection ' +
          'cancels the work upstream. Never retry blindly: the captcha is spent.',
        security: session,
        parameters: [
          {
            name: 'Accept',
            in: 'header',
            description: '`text/event-stream` for progress events; JSON otherwise.',
            schema: { type: 'string', enum: ['application/json', 'text/event-stream'] },
          },
        ],
        requestBody: { required: true, content: json(ref('GenerateRequest')) },
        responses: {
          '200': ok('The image, as JSON or as an event stream.', {
            ...json(ref('GenerateResponse')),
            'text/event-stream': {
              schema: {
                type: 'string',
                description:
                  'Events `queued` (GenerateQueued, while waiting), `progress` (GenerateProgress), then `result` (GenerateResponse) or `error` (ErrorBody); each `data:` line is JSON.',
              },
            },
          }),
          ...errorResponses([
            'invalid_request',
            'captcha_missing',
            'captcha_wrong',
            'captcha_expired',
            'pow_missing',
            'pow_invalid',
            'payload_too_large',
            'unsupported_media_type',
            'prompt_rejected',
            'rate_limited',
            'concurrent_limit',
            'capacity_reached',
            'provider_error',
            'provider_busy',
            'provider_timeout',
          ]),
        },
      },
    },
    '/api/v1/health': {
      get: {
        operationId: 'getHealth',
        summary: ROUTE_SUMMARIES.health,
        security: [],
        responses: {
          '200': ok('Ready.', json(ref('HealthResponse'))),
          '503': ok('Not ready (the shared store does not answer); same body.', json(ref('HealthResponse'))),
        },
      },
    },
    '/api/v1/health/live': {
      get: {
        operationId: 'getLiveness',
        summary: ROUTE_SUMMARIES.live,
        security: [],
        responses: {
          '200': ok('The process answers; says nothing about the shared store.', json({ type: 'object', required: ['status'], additionalProperties: false, properties: { status: { const: 'ok' } } })),
        },
      },
    },
    '/api/v1/openapi.json': {
      get: {
        operationId: 'getOpenApi',
        summary: ROUTE_SUMMARIES.openapi,
        security: [],
        responses: { '200': ok('The OpenAPI 3.1 document.', json({ type: 'object' })) },
      },
    },
  },
  components: {
    schemas,
    headers,
    responses: {
      // Not tied to an operation: the answer to any path or method not listed here.
      NotFound: {
        description: `Any path or method not described here. Error: \`not_found\` (${ERROR_STATUS.not_found}).`,
        headers: { 'X-Request-Id': headerRef('RequestId') },
        content: json({ allOf: [ref('ErrorBody'), { properties: { code: { enum: ['not_found'] } } }] }),
      },
    },
    securitySchemes: {
      sessionCookie: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: 'Set by `GET /api/v1/captcha`.' },
      sessionHeader: {
        type: 'apiKey',
        in: 'header',
        name: SESSION_HEADER,
        description: 'The value of the same response header of `GET /api/v1/captcha`, for clients without cookies.',
      },
    },
  },
};
