import { readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import Boom from '@hapi/boom';
import type { Plugin, Request, RequestEvent, Server } from '@hapi/hapi';
import Joi from 'joi';
import pino, { type Logger } from 'pino';
import pinoRoll from 'pino-roll';
import type { SonicBoom } from 'sonic-boom';
import { clientAddress, headerText } from '../client-address.js';
import { MAX_RETENTION_DAYS } from '../policy.js';

const PLUGIN = 'imageka-access-log';
/** pino-roll names each file after the local date it was opened on: `access.2026-01-31.1.log`. */
const LOG_FILE = /^access\.(\d{4})-(\d{2})-(\d{2})\.\d+\.log$/;
const HOUR_MS = 60 * 60 * 1000;
const MAX_TEXT = 512;
/** A V8 stack line; only its location (group 1) is kept, never the function name. */
const FRAME = /^\s+at (?:.* \()?((?:file:\/\/|node:|\/)[^\s()]+:\d+:\d+)\)?$/;

export interface AccessLogOptions {
  /** Daily files in `dir` (deleted after `retentionDays`), or standard output, whose collector then keeps them. @default 'files' */
  output?: 'files' | 'stdout';
  /** Folder of the daily files; created when missing. Required with `output: 'files'`. */
  dir?: string;
  /** A file is deleted once its date is this many days ago (at local midnight). 1–30. */
  retentionDays?: number;
  /** Same setting as the rate limiter, so the logged address is the one it counts. */
  trustedProxies: number;
  /** Clock for the `time` field and for retention (tests move it). */
  now: () => number;
}

const optionsSchema = Joi.object<AccessLogOptions>({
  output: Joi.string().valid('files', 'stdout').default('files'),
  dir: Joi.string().when('output', { is: 'files', then: Joi.required() }),
  retentionDays: Joi.number().integer().min(1).max(MAX_RETENTION_DAYS).when('output', { is: 'files', then: Joi.required() }),
  trustedProxies: Joi.number().integer().min(0).required(),
  now: Joi.function().required(),
});

/**
 * Access and operational logs as JSON lines in one file per day (or on standard output, for a
 * container whose log collector then decides how long they live). Every line is built from a
 * whitelist: an access line is exactly time, address, method, path (no query), status,
 * durationMs and userAgent; an event line is time, event and fields that cannot hold user input
 * (names, codes, status numbers, code locations). Messages and payloads are never written:
 * they are where prompts and captcha answers would hide.
 */
export const accessLogPlugin: Plugin<AccessLogOptions> = {
  name: PLUGIN,
  register(server: Server, rawOptions) {
    const options = Joi.attempt(rawOptions, optionsSchema, `Invalid "${PLUGIN}" options`);
    let stream: SonicBoom | undefined;
    let logger: Logger | undefined;
    let timer: NodeJS.Timeout | undefined;
    const write = (fields: Record<string, unknown>) => logger?.info(fields);

    const files = options.output === 'files' ? { dir: options.dir!, retentionDays: options.retentionDays! } : undefined;
    const sweep = async () => {
      if (!files) return;
      const deleted = await removeExpiredLogs(files.dir, options.now(), files.retentionDays);
      if (deleted > 0) write({ event: 'log-retention', deleted });
    };
    // Wakes at each local midnight (when the oldest file reaches its age), re-checking hourly
    // in case the system clock jumps.
    const schedule = () => {
      if (!logger || !files) return;
      const now = options.now();
      const wait = Math.min(Math.max(nextLocalMidnight(now) - now, 10), HOUR_MS);
      timer = setTimeout(() => {
        sweep()
          .catch((error: unknown) => write({ event: 'log-retention-error', ...safeError(error) }))
          .finally(schedule);
      }, wait).unref();
    };

    server.ext('onPreStart', async () => {
      stream = files
        ? await pinoRoll({ file: join(files.dir, 'access'), extension: '.log', frequency: 'daily', dateFormat: 'yyyy-MM-dd', mkdir: true, sync: true })
        : pino.destination({ dest: 1, sync: true });
      // No level, pid or hostname: with an empty level the timestamp opens the object, hence no
      // leading comma (claim 2's test parses every line).
      logger = pino({ base: null, formatters: { level: () => ({}) }, timestamp: () => `"time":"${new Date(options.now()).toISOString()}"` }, stream);
      await sweep();
      schedule();
    });
    server.ext('onPostStart', () => write({ event: 'start', port: server.info.port }));
    server.ext('onPreStop', () => write({ event: 'stop' }));
    server.ext('onPostStop', () => {
      clearTimeout(timer);
      logger = undefined;
      // Ending the stdout destination would close the process's file descriptor 1.
      if (files) stream?.end();
      else stream?.flushSync();
      stream = undefined;
    });

    server.events.on('response', (request) => {
      write({
        address: clientAddress(request, options.trustedProxies),
        method: request.method.toUpperCase(),
        path: request.path.slice(0, MAX_TEXT),
        status: statusOf(request),
        durationMs: (request.info.completed || Date.now()) - request.info.received,
        userAgent: headerText(request, 'user-agent').slice(0, MAX_TEXT) || undefined,
      });
    });
    // 'app' is request.log(); 'error' is hapi's report of a handler that threw (a 500).
    server.events.on({ name: 'request', channels: ['app', 'error'] }, (request: Request, event: RequestEvent) => {
      write({ event: eventName(event.tags), route: request.route.path, method: request.method.toUpperCase(), ...safeFields(event) });
    });
    server.events.on('log', (event) => write({ event: eventName(event.tags), ...safeFields(event) }));
  },
};

/** The status sent, or 499 (nginx's "client closed request") when the client left first. */
function statusOf(request: Request): number {
  const { response } = request;
  if (!request.info.responded || !response) return 499;
  return Boom.isBoom(response) ? response.output.statusCode : response.statusCode;
}

function eventName(tags: string[]): string {
  return tags.filter((tag) => SHAPES.tag.test(tag)).join('-') || 'event';
}

/**
 * What each loggable field may look like. Shapes, not content checks: a field passes only when it
 * looks like something code wrote (a class name, a Node error code, an enum word), so free text
 * that might quote the visitor is dropped. `detail` is a UpstreamError's operator text, which the
 * adapters promise holds only statuses and upstream codes.
 */
const SHAPES = {
  tag: /^[a-z][a-z0-9]{0,31}$/,
  name: /^[A-Z][A-Za-z0-9]{0,63}$/,
  code: /^[A-Z][A-Z0-9_]{1,63}$/,
  failure: /^[a-z_]{1,32}$/,
  kind: /^[a-z_]{1,32}$/,
  detail: /^[\x20-\x7e]{1,200}$/,
} as const;

/** The loggable part of a log event: an error's shape, or the whitelisted fields of an object. */
function safeFields(event: { error?: unknown; data?: unknown }): Record<string, unknown> {
  if (event.error !== undefined) return safeError(event.error);
  const { data } = event;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return {};
  const record = data as Record<string, unknown>;
  return {
    failure: shaped(record.failure, SHAPES.failure),
    kind: shaped(record.kind, SHAPES.kind),
    detail: shaped(record.detail, SHAPES.detail),
    name: shaped(record.name, SHAPES.name),
    code: shaped(record.code, SHAPES.code),
    status: typeof record.status === 'number' && Number.isInteger(record.status) ? record.status : undefined,
  };
}

/**
 * An error as its name, code, status and code locations. Never the message: whatever threw may
 * have put the prompt or the captcha answer in it.
 */
export function safeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { error: typeof error };
  return {
    error: shaped(error.name, SHAPES.name) ?? 'Error',
    code: shaped((error as { code?: unknown }).code, SHAPES.code),
    status: Boom.isBoom(error) ? error.output.statusCode : undefined,
    at: frames(error),
  };
}

/** `file:line:column` of the top frames. The header (name and message) is cut off first. */
function frames(error: Error): string[] | undefined {
  const header = `${error.name}: ${error.message}`;
  const stack = typeof error.stack === 'string' && error.stack.startsWith(header) ? error.stack.slice(header.length) : '';
  const locations = stack
    .split('\n')
    .map((line) => FRAME.exec(line)?.[1])
    .filter((location): location is string => location !== undefined)
    .slice(0, 8);
  return locations.length > 0 ? locations : undefined;
}

function shaped(value: unknown, shape: RegExp): string | undefined {
  return typeof value === 'string' && shape.test(value) ? value : undefined;
}

/**
 * Deletes the daily files whose date is `retentionDays` or more days before `now` (local
 * midnights, like pino-roll's file dates). Returns how many were deleted. Other files are left.
 */
async function removeExpiredLogs(dir: string, now: number, retentionDays: number): Promise<number> {
  const names = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [] as string[];
    throw error;
  });
  let deleted = 0;
  for (const name of names) {
    const match = LOG_FILE.exec(name);
    if (!match) continue;
    const expiresAt = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + retentionDays).getTime();
    if (now < expiresAt) continue;
    await unlink(join(dir, name)).then(
      () => (deleted += 1),
      (error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
      },
    );
  }
  return deleted;
}

function nextLocalMidnight(now: number): number {
  const date = new Date(now);
  return new Date(date.getFullYear(), date.getMonth(), date.getDate() + 1).getTime();
}
