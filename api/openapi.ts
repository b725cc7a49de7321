import {
  CAPTCHA_ANSWER_MAX_LENGTH,
  ERROR_CODES,
  ERROR_STATUS,
  IMAGE_SIZES,
  NEGATIVE_PROMPT_MAX_LENGTH,
  PROMPT_MAX_LENGTH,
  SEED_MAX,
  SESSION_COOKIE,
  SESSION_HEADER,
  type CaptchaResponse,
  type ErrorBody,
  type ErrorCode,
  type GenerateProgress,
  type GenerateRequest,
  type GenerateResponse,
  type HealthResponse,
  type ProviderInfo,
} from '../sdk/types.js';

/** The subset of JSON Schema 2020-12 (OpenAPI 3.1's dialect) this document uses. */
export interface JsonSchema {
  $ref?: string;
  type?: 'object' | 'string' | 'integer' | 'number' | 'boolean' | 'array';
  description?: string;
  properties?: Record<string, JsonSchema>;
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
  const properties: Record<string, JsonSchema> = {};
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
/** Width and height must be one of the sizes together, not each on its own. */
const sizePairs: JsonSchema[] = SIZES.map(({ width, height }) => ({
  properties: { width: { const: width }, height: { const: height } },
  required: ['width', 'height'],
}));
const dimension = (axis: 'width' | 'height'): JsonSchema => ({ type: 'integer', enum: unique(SIZES.map((size) => size[axis])) });
const dataUrl = (types: string): JsonSchema => ({ type: 'string', pattern: `^data:image/(${types});base64,[A-Za-z0-9+/]+=*$` });

const healthStatuses: readonly HealthResponse['status'][] = ['ok', 'unavailable'];
const stores: readonly HealthResponse['store'][] = ['memory', 'redis'];
const mimeTypes: readonly GenerateResponse['mimeType'][] = ['image/webp', 'image/png'];

const schemas = {
  CaptchaResponse: object<CaptchaResponse>({
    image: { ...dataUrl('webp|png'), description: 'The captcha as a raster image.' },
    width: { type: 'integer', minimum: 1 },
    height: { type: 'integer', minimum: 1 },
    expiresAt: { type: 'string', format: 'date-time', description: 'After this time the answer is refused with `captcha_expired`.' },
    audio: { type: 'string', description: 'Path of the same captcha spoken (`audio/wav`).' },
  }),
  GenerateRequest: {
    ...object<GenerateRequest>({
      prompt: { type: 'string', minLength: 1, maxLength: PROMPT_MAX_LENGTH, description: 'Trimmed; no control characters.' },
      captcha: { type: 'string', minLength: 1, maxLength: CAPTCHA_ANSWER_MAX_LENGTH, description: 'The captcha answer, case-insensitive. Spent by this request, right or wrong.' },
      width: optional(dimension('width')),
      height: optional(dimension('height')),
      seed: optional({ type: 'integer', minimum: 0, maximum: SEED_MAX, description: 'Random when omitted.' }),
      negativePrompt: optional({ type: 'string', maxLength: NEGATIVE_PROMPT_MAX_LENGTH }),
    }),
    anyOf: [{ not: { anyOf: [{ required: ['width'] }, { required: ['height'] }] } }, ...sizePairs],
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
    anyOf: sizePairs,
  },
  GenerateProgress: object<GenerateProgress>({
    elapsedMs: { type: 'integer', minimum: 0 },
    percent: optional({ type: 'number', minimum: 0, maximum: 100, description: 'Only where the image service reports it.' }),
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
  }),
} satisfies Record<string, JsonSchema>;

const headers = {
  RequestId: { description: 'A random id for this response. Server logs do not record it (they keep only the standard access-log fields).', required: true, schema: { type: 'string', minLength: 1 } },
  RetryAfter: { description: 'Seconds to wait before trying again.', required: true, schema: { type: 'integer', minimum: 0 } },
  Session: {
    description: `The sealed session. Send it back as the \`${SESSION_HEADER}\` request header where cookies are blocked.`,
    required: true,
    schema: { type: 'string', minLength: 1 },
  },
} satisfies Record<string, Header>;

const headerRef = (name: keyof typeof headers) => ({ $ref: `#/components/headers/${name}` }) as unknown as Header;

/** Codes that come with `Retry-After`. */
const RETRY_CODES: readonly ErrorCode[] = ['rate_limited', 'provider_busy', 'overloaded'];

/** Any route can meet these: hapi's own limits and failures. */
const COMMON_CODES: readonly ErrorCode[] = ['overloaded', 'store_unavailable', 'internal_error'];

/**
 * Error responses grouped by status, each body's `code` narrowed to the codes listed, all built
 * from ERROR_STATUS so a status never drifts from its code.
 */
function errorResponses(routeCodes: readonly ErrorCode[]): Record<string, ResponseObject> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set([...routeCodes, ...COMMON_CODES])) {
    const status = ERROR_STATUS[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses: Record<string, ResponseObject> = {};
  for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
    const retry = codes.some((code) => RETRY_CODES.includes(code));
    responses[String(status)] = {
      description: `Error: ${codes.map((code) => `\`${code}\``).join(', ')}.${retry ? ' `Retry-After` is set where the code calls for it.' : ''}`,
      headers: { 'X-Request-Id': headerRef('RequestId') },
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
    license: { name: 'MIT', identifier: 'MIT' },
  },
  paths: {
    '/api/v1/captcha': {
      get: {
        operationId: 'getCaptcha',
        summary: 'Issue a captcha, replacing any earlier one in this session',
        security: session,
        responses: {
          '200': ok('A new captcha.', json(ref('CaptchaResponse')), {
            [SESSION_HEADER]: headerRef('Session'),
          }),
          ...errorResponses(['rate_limited']),
        },
      },
    },
    '/api/v1/captcha/audio': {
      get: {
        operationId: 'getCaptchaAudio',
        summary: 'The pending captcha, spoken',
        security: session,
        responses: {
          '200': ok('The answer spoken, as WAV.', { 'audio/wav': { schema: { type: 'string', contentMediaType: 'audio/wav' } } }),
          ...errorResponses(['captcha_missing', 'captcha_expired', 'rate_limited']),
        },
      },
    },
    '/api/v1/generate': {
      post: {
        operationId: 'generate',
        summary: 'Spend the captcha answer and generate one image',
        description:
          'With `Accept: text/event-stream` the answer is a stream of `progress` events (GenerateProgress, ' +
          'about once a second) and then exactly one `result` (GenerateResponse) or `error` (ErrorBody). ' +
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
            'text/event-stream': { schema: { type: 'string', description: 'Events `progress`, then `result` or `error`.' } },
          }),
          ...errorResponses([
            'invalid_request',
            'captcha_missing',
            'captcha_wrong',
            'captcha_expired',
            'payload_too_large',
            'unsupported_media_type',
            'prompt_rejected',
            'rate_limited',
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
        summary: 'Readiness, for load balancers',
        responses: {
          '200': ok('Ready.', json(ref('HealthResponse'))),
          '503': ok('Not ready (the shared store does not answer); same body.', json(ref('HealthResponse'))),
        },
      },
    },
    '/api/v1/health/live': {
      get: {
        operationId: 'getLiveness',
        summary: 'Liveness: the process is up (never touches Redis)',
        responses: {
          '200': ok('The process answers; says nothing about the shared store.', json({ type: 'object', required: ['status'], additionalProperties: false, properties: { status: { const: 'ok' } } })),
        },
      },
    },
    '/api/v1/openapi.json': {
      get: {
        operationId: 'getOpenApi',
        summary: 'This document',
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
