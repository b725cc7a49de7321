/** What the policy tests share: temporary folders, the log folder's lines, a logged server. */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import CatboxMemory from '@hapi/catbox-memory';
import type { Server, ServerOptionsCache } from '@hapi/hapi';
import { afterEach } from 'vitest';
import type { CreateServerOptions } from '../../api/server.js';
import { testServer } from '../helpers/server.js';

/** The fields of an access line, exactly (claim 2). */
export const ACCESS_FIELDS = ['address', 'durationMs', 'method', 'path', 'status', 'time', 'userAgent'];
/** Every field an event line may carry: names, codes, numbers and code locations. */
export const EVENT_FIELDS = ['at', 'code', 'deleted', 'detail', 'error', 'event', 'failure', 'kind', 'method', 'name', 'port', 'route', 'status', 'time'];

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A fresh folder, removed after the test. */
export async function tempDir(label = 'imageka-policy-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), label));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A server writing its logs to a fresh folder; stopped after the test. */
export async function loggedServer(options: CreateServerOptions = {}, retentionDays = 30): Promise<{ server: Server; logDir: string }> {
  const logDir = await tempDir('imageka-logs-');
  const now = options.now;
  const server = await testServer({ ...options, logger: { dir: logDir, retentionDays, ...(now ? { now } : {}) } });
  cleanups.push(() => server.stop());
  return { server, logDir };
}

/** Every line of every file in the folder, parsed. */
export async function logLines(dir: string): Promise<Record<string, unknown>[]> {
  const lines: Record<string, unknown>[] = [];
  for (const name of (await readdir(dir)).sort()) {
    const text = await readFile(join(dir, name), 'utf8');
    for (const line of text.split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
  }
  return lines;
}

export const accessLines = (lines: Record<string, unknown>[]) => lines.filter((line) => !('event' in line));
export const eventLines = (lines: Record<string, unknown>[]) => lines.filter((line) => 'event' in line);

/** Every byte under `dir` (recursively), for "0 bytes of the canary" checks. */
export async function allBytes(dir: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) chunks.push(await readFile(join(entry.parentPath, entry.name)));
  }
  return Buffer.concat(chunks);
}

/** Whether `haystack` holds `needle` in any letter case (answers are case-insensitive), plain or URL-encoded. */
export function containsText(haystack: Buffer | string, needle: string): boolean {
  const text = haystack.toString('latin1').toLowerCase();
  const forms = [needle, encodeURIComponent(needle), needle.replaceAll(' ', '+')];
  return forms.some((form) => text.includes(form.toLowerCase()));
}

/** `yyyy-MM-dd` of the local date `days` after `from`, as pino-roll names its daily files. */
export function localDate(from: number, days = 0): string {
  const date = new Date(from);
  const shifted = new Date(date.getFullYear(), date.getMonth(), date.getDate() + days);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${shifted.getFullYear()}-${pad(shifted.getMonth() + 1)}-${pad(shifted.getDate())}`;
}

/** Local midnight starting the day `days` after `from`'s. */
export function localMidnight(from: number, days = 0): number {
  const date = new Date(from);
  return new Date(date.getFullYear(), date.getMonth(), date.getDate() + days).getTime();
}

/** One write to the server's cache: which segment, and how long the record may live. */
export interface CacheWrite {
  segment: string;
  ttl: number;
  /** The record as JSON. */
  value: string;
}

/**
 * An in-memory hapi cache that records every write (segment, time to live, value): sessions and
 * rate-limit records live in the server's cache, in memory or in Redis.
 */
export function recordingCache(): { cache: ServerOptionsCache; writes: CacheWrite[] } {
  const writes: CacheWrite[] = [];
  class RecordingEngine extends CatboxMemory.Engine<unknown> {
    override set(key: { segment: string; id: string }, value: unknown, ttl: number) {
      writes.push({ segment: key.segment, ttl, value: JSON.stringify(value) ?? '' });
      return super.set(key, value, ttl);
    }
  }
  return { cache: { name: 'recorded', provider: { constructor: RecordingEngine } }, writes };
}
