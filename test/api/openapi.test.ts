import type { Server, ServerInjectOptions, ServerInjectResponse } from '@hapi/hapi';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { openApiDocument, type JsonSchema, type Operation } from '../../api/openapi.js';
import { UpstreamError } from '../../api/providers/types.js';
import { CAPTCHA_ANSWER_MAX_LENGTH, ERROR_CODES, ERROR_STATUS, IMAGE_SIZES, PROMPT_MAX_LENGTH, SEED_MAX } from '../../sdk/types.js';
import { issueCaptcha, manualClock, quietSpeech, scriptedProvider, testServer, withPow } from '../helpers/server.js';

const doc = openApiDocument;

/** Follows a local `$ref` such as `#/components/schemas/ErrorBody`. */
function resolve<T>(value: T | { $ref?: string }): T {
  const pointer = (value as { $ref?: string }).$ref;
  if (pointer === undefined) return value as T;
  return pointer
    .slice(2)
    .split('/')
    .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], doc) as T;
}

/** The JSON Schema subset the document uses; returns what does not match, with paths. */
function check(schema: JsonSchema, value: unknown, path = '$'): string[] {
  const s = resolve(schema);
  const problems: string[] = [];
  const fail = (message: string) => problems.push(`${path}: ${message}`);
  const types = { object: 'object', string: 'string', integer: 'number', number: 'number', boolean: 'boolean', array: 'object' };
  if (s.type && (typeof value !== types[s.type] || value === null || (s.type === 'integer' && !Number.isInteger(value)))) {
    return [`${path}: expected ${s.type}, got ${JSON.stringify(value)?.slice(0, 40)}`];
  }
  if (s.const !== undefined && value !== s.const) fail(`expected ${String(s.const)}`);
  if (s.enum && !s.enum.includes(value as string)) fail(`${String(value)} not in ${s.enum.join('|')}`);
  if (typeof value === 'number') {
    if (s.minimum !== undefined && value < s.minimum) fail(`below ${s.minimum}`);
    if (s.maximum !== undefined && value > s.maximum) fail(`above ${s.maximum}`);
  }
  if (typeof value === 'string') {
    const length = [...value].length;
    if (s.minLength !== undefined && length < s.minLength) fail(`shorter than ${s.minLength}`);
    if (s.maxLength !== undefined && length > s.maxLength) fail(`longer than ${s.maxLength}`);
    if (s.pattern && !new RegExp(s.pattern, 'u').test(value)) fail(`does not match ${s.pattern.slice(0, 40)}`);
    if (s.format === 'date-time' && Number.isNaN(Date.parse(value))) fail('not a date-time');
  }
  if (typeof value === 'object' && value !== null) {
    const object = value as Record<string, unknown>;
    for (const key of s.required ?? []) if (!(key in object)) fail(`missing ${key}`);
    for (const [key, child] of Object.entries(object)) {
      const property = s.properties?.[key];
      if (property === false) fail(`${key} must be absent`);
      else if (property) problems.push(...check(property, child, `${path}.${key}`));
      else if (s.additionalProperties === false) fail(`unexpected property ${key}`);
    }
  }
  for (const part of s.allOf ?? []) problems.push(...check(part, value, path));
  if (s.anyOf && !s.anyOf.some((part) => check(part, value, path).length === 0)) fail('matches none of anyOf');
  if (s.oneOf && s.oneOf.filter((part) => check(part, value, path).length === 0).length !== 1) fail('matches not exactly one of oneOf');
  if (s.not && check(s.not, value, path).length === 0) fail('matches a schema it must not');
  return problems;
}

function operation(method: string, url: string): Operation {
  const item = doc.paths[url.split('?')[0]!];
  const op = item?.[method.toLowerCase() as 'get' | 'post'];
  if (!op) throw new Error(`${method} ${url} is not in the document`);
  return op;
}

/** Asserts that a real response is one the document describes: status, headers, media type and body. */
function expectDescribed(method: string, url: string, response: ServerInjectResponse, body: unknown = response.result): void {
  const declared = operation(method, url).responses[String(response.statusCode)];
  expect(declared, `${method} ${url} → ${response.statusCode} is not described`).toBeDefined();
  for (const [name, header] of Object.entries(declared!.headers ?? {})) {
    if (resolve(header).required) expect(response.headers[name.toLowerCase()], `header ${name}`).toBeDefined();
  }
  // The headers a client acts on must be in the contract wherever they are sent.
  const declaredNames = Object.keys(declared!.headers ?? {}).map((name) => name.toLowerCase());
  const sent = Object.keys(response.headers).filter((name) => /^(retry-after|x-ratelimit-)/i.test(name));
  expect(sent.filter((name) => !declaredNames.includes(name.toLowerCase())), `${method} ${url} → ${response.statusCode}: undeclared headers`).toEqual([]);
  const mediaType = String(response.headers['content-type']).split(';')[0]!;
  const content = declared!.content?.[mediaType];
  expect(content, `${mediaType} is not described for ${response.statusCode}`).toBeDefined();
  expect(check(content!.schema, body)).toEqual([]);
}

async function call(server: Server, options: ServerInjectOptions & { method: string; url: string }) {
  const response = await server.inject(options);
  const isJson = String(response.headers['content-type']).startsWith('application/json');
  expectDescribed(options.method, options.url, response, isJson ? JSON.parse(response.payload) : response.payload);
  return response;
}

async function session(server: Server): Promise<{ cookie: string }> {
  const { cookie } = await issueCaptcha(server);
  return { cookie };
}

const generate = async (server: Server, headers: Record<string, string>, payload: object) =>
  call(server, { method: 'POST', url: '/api/v1/generate', headers, payload: await withPow(headers.cookie ?? '', payload) });

const failing = (kind: ConstructorParameters<typeof UpstreamError>[0]) =>
  scriptedProvider(() => Promise.reject(new UpstreamError(kind, 'upstream', kind === 'busy' ? { retryAfter: 9 } : {})));

describe('the OpenAPI document', () => {
  it('is served at /api/v1/openapi.json and is the document the code builds', async () => {
    const server = await testServer();
    const response = await call(server, { method: 'GET', url: '/api/v1/openapi.json' });
    expect(JSON.parse(response.payload)).toEqual(JSON.parse(JSON.stringify(doc)));
    expect(doc.openapi).toBe('3.1.0');
  });

  it('describes exactly the routes the server has', async () => {
    const server = await testServer();
    const routes = server
      .table()
      .filter((route) => route.path.startsWith('/api/'))
      .map((route) => `${route.method} ${route.path}`)
      .sort();
    const documented = Object.entries(doc.paths)
      .flatMap(([path, item]) => Object.keys(item).map((method) => `${method} ${path}`))
      .sort();
    expect(documented).toEqual(routes);
  });

  it('describes every error code, each under its own status', () => {
    const described = new Map<string, Set<string>>();
    const responses = [
      ...Object.values(doc.paths).flatMap((item) => Object.values(item).flatMap((op: Operation) => Object.entries(op.responses))),
      ...Object.entries(doc.components.responses).map(([, r]) => [String(ERROR_STATUS.not_found), r] as const),
    ];
    for (const [status, response] of responses) {
      const schema = response.content?.['application/json']?.schema;
      const code = schema?.allOf?.[1]?.properties?.code;
      const codes = (code && code.enum) || [];
      for (const code of codes) described.set(String(code), (described.get(String(code)) ?? new Set()).add(status));
    }
    for (const code of ERROR_CODES) expect([...(described.get(code) ?? [])], code).toEqual([String(ERROR_STATUS[code])]);
  });

  it('takes its limits from the shared constants', () => {
    const request = resolve<JsonSchema>(doc.components.schemas.GenerateRequest!);
    expect(request.properties?.prompt).toMatchObject({ maxLength: PROMPT_MAX_LENGTH });
    expect(request.properties?.seed).toMatchObject({ maximum: SEED_MAX });
    const pow = { algorithm: 'PBKDF2-SHA-256', salt: 'A'.repeat(22), iterations: 1000, maxNumber: 0, key: 'A'.repeat(43), expiresAt: new Date().toISOString(), signature: 'A'.repeat(43), number: 0 };
    const valid = (body: object) => check(request, { pow, ...body });
    expect(check(request, { prompt: 'a', captcha: 'b' })).not.toEqual([]);
    expect(valid({ prompt: 'a', captcha: 'b', pow: { ...pow, extra: 1 } })).not.toEqual([]);
    expect(valid({ prompt: 'a', captcha: 'b', ...IMAGE_SIZES['9:16'] })).toEqual([]);
    expect(valid({ prompt: 'a', captcha: 'b' })).toEqual([]);
    expect(valid({ prompt: 'a', captcha: 'b', width: 720, height: 720 })).not.toEqual([]);
    expect(valid({ prompt: 'a', captcha: 'b', width: 1024 })).not.toEqual([]);
    expect(valid({ prompt: 'a', captcha: 'b', extra: 1 })).not.toEqual([]);
    expect(valid({ prompt: 'a', captcha: 'b'.repeat(CAPTCHA_ANSWER_MAX_LENGTH + 1) })).not.toEqual([]);
  });
});

describe('real responses match the document', () => {
  it('captcha and its audio', async () => {
    const server = await testServer({ captchaAudio: quietSpeech });
    const captcha = await call(server, { method: 'GET', url: '/api/v1/captcha' });
    const cookie = String(captcha.headers['set-cookie']).split(';')[0]!;
    const audio = await call(server, { method: 'GET', url: '/api/v1/captcha/audio', headers: { cookie } });
    expect(audio.headers['content-type']).toBe('audio/wav');
    await call(server, { method: 'GET', url: '/api/v1/captcha/audio' });
  });

  it('captcha rate limit (429 with Retry-After)', async () => {
    const server = await testServer({ captchaPerMinute: 1 });
    await call(server, { method: 'GET', url: '/api/v1/captcha' });
    const limited = await call(server, { method: 'GET', url: '/api/v1/captcha' });
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBeTruthy();
  });

  it('generate as JSON, and each refusal before generation', async () => {
    const clock = manualClock();
    const server = await testServer({ now: clock });
    expect((await generate(server, (await session(server)), { prompt: 'a', captcha: 'ACDEH', seed: 1 })).statusCode).toBe(200);
    expect((await generate(server, {}, { prompt: '', captcha: 'x' })).statusCode).toBe(400);
    expect((await generate(server, {}, { prompt: 'a', captcha: 'x' })).statusCode).toBe(400);
    expect((await generate(server, await session(server), { prompt: 'a', captcha: 'WRONG' })).statusCode).toBe(403);
    const expiring = await session(server);
    clock.advance(11 * 60 * 1000);
    expect((await generate(server, expiring, { prompt: 'a', captcha: 'ACDEH' })).statusCode).toBe(403);
    const huge = await call(server, {
      method: 'POST',
      url: '/api/v1/generate',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ prompt: 'a'.repeat(20_000), captcha: 'x' }),
    });
    expect(huge.statusCode).toBe(413);
    const text = await call(server, { method: 'POST', url: '/api/v1/generate', headers: { 'content-type': 'text/plain' }, payload: 'a fox' });
    expect(text.statusCode).toBe(415);
  });

  it('generate rate limit (429 with Retry-After)', async () => {
    const server = await testServer({ generateLimit: 1 });
    await generate(server, await session(server), { prompt: 'a', captcha: 'ACDEH' });
    const limited = await generate(server, await session(server), { prompt: 'a', captcha: 'ACDEH' });
    expect([limited.statusCode, limited.headers['retry-after'] !== undefined]).toEqual([429, true]);
  });

  it.each([
    ['rejected', 422],
    ['busy', 503],
    ['error', 502],
    ['timeout', 504],
  ] as const)('generate when the provider fails: %s → %i', async (kind, status) => {
    const server = await testServer({ provider: failing(kind) });
    expect((await generate(server, await session(server), { prompt: 'a', captcha: 'ACDEH' })).statusCode).toBe(status);
  });

  it('generate overloaded (503 with Retry-After)', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const provider = scriptedProvider(async (input) => {
      await gate;
      return { bytes: await sharp({ create: { width: input.width, height: input.height, channels: 3, background: '#000' } }).png().toBuffer(), mimeType: 'image/png', seed: 1 };
    });
    const server = await testServer({ provider, maxInFlight: 1, maxQueued: 0, maxInFlightPerClient: 2 });
    const first = generate(server, await session(server), { prompt: 'a', captcha: 'ACDEH' });
    while (provider.calls.length === 0) await new Promise((resolve) => setImmediate(resolve));
    const overloaded = await generate(server, await session(server), { prompt: 'a', captcha: 'ACDEH' });
    expect([overloaded.statusCode, overloaded.headers['retry-after']]).toEqual([503, '5']);
    release();
    expect((await first).statusCode).toBe(200);
  });

  it('generate over budget (503 capacity_reached) and beyond the client limit (429 concurrent_limit)', async () => {
    const server = await testServer({ generationBudgetPerHour: 1 });
    expect((await generate(server, await session(server), { prompt: 'a', captcha: 'ACDEH' })).statusCode).toBe(200);
    const spent = await generate(server, await session(server), { prompt: 'a', captcha: 'ACDEH' });
    expect([spent.statusCode, (spent.result as { window?: string }).window]).toEqual([503, 'hour']);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const provider = scriptedProvider(async (input) => {
      await held;
      return { bytes: await sharp({ create: { width: input.width, height: input.height, channels: 3, background: '#000' } }).png().toBuffer(), mimeType: 'image/png', seed: 1 };
    });
    const busy = await testServer({ provider });
    const first = generate(busy, await session(busy), { prompt: 'a', captcha: 'ACDEH' });
    while (provider.calls.length === 0) await new Promise((resolve) => setImmediate(resolve));
    const limited = await generate(busy, await session(busy), { prompt: 'a', captcha: 'ACDEH' });
    expect([limited.statusCode, limited.headers['retry-after'] !== undefined]).toEqual([429, true]);
    release();
    expect((await first).statusCode).toBe(200);
  });

  it('generate as an event stream while queued: `queued` events match their schema', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const provider = scriptedProvider(async (input) => {
      await held;
      return { bytes: await sharp({ create: { width: input.width, height: input.height, channels: 3, background: '#000' } }).png().toBuffer(), mimeType: 'image/png', seed: 1 };
    });
    const server = await testServer({ provider, maxInFlight: 1, maxInFlightPerClient: 2 });
    const first = generate(server, await session(server), { prompt: 'a', captcha: 'ACDEH' });
    while (provider.calls.length === 0) await new Promise((resolve) => setImmediate(resolve));
    const queued = generate(server, { ...(await session(server)), accept: 'text/event-stream' }, { prompt: 'a', captcha: 'ACDEH' });
    while (server.plugins['imageka-generate'].queued() === 0) await new Promise((resolve) => setImmediate(resolve));
    release();
    await first;
    const blocks = (await queued).payload.split('\n\n').filter(Boolean);
    const events = blocks.map((block) => ({ event: /^event: (.*)$/m.exec(block)![1]!, data: JSON.parse(/^data: (.*)$/m.exec(block)![1]!) }));
    expect(events[0]).toEqual({ event: 'queued', data: { position: 1 } });
    expect(check(doc.components.schemas.GenerateQueued!, events[0]!.data)).toEqual([]);
    expect(events.at(-1)!.event).toBe('result');
  });

  it('generate as an event stream: every event’s data matches its schema', async () => {
    const provider = scriptedProvider(async (input) => {
      input.onProgress?.(50);
      return { bytes: await sharp({ create: { width: input.width, height: input.height, channels: 3, background: '#000' } }).png().toBuffer(), mimeType: 'image/png', seed: 2 };
    });
    const server = await testServer({ provider });
    const ok = await generate(server, { ...(await session(server)), accept: 'text/event-stream' }, { prompt: 'a', captcha: 'ACDEH' });
    const failed = await testServer({ provider: failing('error') }).then(async (other) =>
      generate(other, { ...(await session(other)), accept: 'text/event-stream' }, { prompt: 'a', captcha: 'ACDEH' }),
    );
    const schemaOf = { progress: 'GenerateProgress', result: 'GenerateResponse', error: 'ErrorBody' } as const;
    for (const response of [ok, failed]) {
      const events = response.payload
        .split('\n\n')
        .filter(Boolean)
        .map((block) => ({ event: /^event: (.*)$/m.exec(block)![1]! as keyof typeof schemaOf, data: JSON.parse(/^data: (.*)$/m.exec(block)![1]!) }));
      expect(events.slice(0, -1).every((e) => e.event === 'progress')).toBe(true);
      for (const { event, data } of events) {
        expect(check(doc.components.schemas[schemaOf[event]]!, data), event).toEqual([]);
      }
      expect(events.at(-1)!.event).toBe(response === ok ? 'result' : 'error');
    }
  });

  it('health, ready and not ready', async () => {
    const ready = await call(await testServer(), { method: 'GET', url: '/api/v1/health' });
    const down = await call(await testServer({ isReady: () => false }), { method: 'GET', url: '/api/v1/health' });
    expect([ready.statusCode, down.statusCode]).toEqual([200, 503]);
  });

  it('liveness, even while the store is not ready', async () => {
    let asked = 0;
    const live = await call(await testServer({ isReady: () => (asked += 1) < 0 }), { method: 'GET', url: '/api/v1/health/live' });
    expect(live.statusCode).toBe(200);
    expect(asked).toBe(0);
  });

  it('an unknown route answers the documented NotFound response', async () => {
    const response = await (await testServer()).inject({ method: 'POST', url: '/api/v1/captcha' });
    expect(response.statusCode).toBe(404);
    const schema = doc.components.responses.NotFound!.content!['application/json']!.schema;
    expect(check(schema, JSON.parse(response.payload))).toEqual([]);
  });
});

describe('route summaries', () => {
  it('are written once: each route’s hapi description is its OpenAPI summary', async () => {
    const server = await testServer();
    const document = JSON.parse((await server.inject('/api/v1/openapi.json')).payload) as { paths: Record<string, Record<string, { summary: string }>> };
    const routes = server.table().filter((route) => route.path.startsWith('/api/v1/') && route.settings.description);
    expect(routes.length).toBeGreaterThanOrEqual(6);
    for (const route of routes) expect(document.paths[route.path]?.[route.method]?.summary, route.path).toBe(route.settings.description);
  });
});
