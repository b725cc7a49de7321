import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { ConfigError, serverOptionsFromEnv } from '../../api/config.js';
import { createServer } from '../../api/server.js';
import { UpstreamError } from '../../api/providers/types.js';
import { generate, issueCaptcha, manualClock, scriptedProvider } from '../helpers/server.js';
import { removeChild, startChild, stopChild } from './child.js';
import { ACCESS_FIELDS, EVENT_FIELDS, accessLines, allBytes, containsText, eventLines, localDate, localMidnight, loggedServer, logLines, tempDir } from './support.js';

const SECRET = 'canary-claim2-Hx81';

describe('Claim 2: access logs hold only the standard fields and are deleted after 30 days', () => {
  it('writes one JSON line per request with exactly time, address, method, path (no query), status, durationMs and userAgent', async () => {
    const clock = manualClock(Date.UTC(2026, 2, 14, 9, 30));
    const { server, logDir } = await loggedServer({ now: clock, trustedProxies: 1 });
    const noisy = { cookie: `other=${SECRET}`, authorization: `Bearer ${SECRET}`, referer: `https://x.example/?q=${SECRET}`, 'x-custom': SECRET };
    await server.inject({ url: `/api/v1/health?token=${SECRET}`, headers: { ...noisy, 'user-agent': 'PolicyAgent/1.0', 'x-forwarded-for': '10.0.0.1, 203.0.113.7' } });
    const { cookie } = await issueCaptcha(server, { 'user-agent': 'PolicyAgent/1.0' });
    await generate(server, cookie, { prompt: SECRET, captcha: `${SECRET}-answer` }, { 'x-forwarded-for': '2001:db8:1:2:3:4:5:6' });
    await server.inject({ url: `/${'missing'}?q=${SECRET}`, headers: noisy });
    await server.stop();

    const lines = accessLines(await logLines(logDir));
    expect(lines).toHaveLength(4);
    for (const line of lines) {
      expect(Object.keys(line).filter((key) => key !== 'userAgent').sort()).toEqual(ACCESS_FIELDS.filter((key) => key !== 'userAgent'));
      expect(Object.keys(line).every((key) => ACCESS_FIELDS.includes(key))).toBe(true);
      expect(line.time).toBe('2026-03-14T09:30:00.000Z');
      expect(typeof line.durationMs).toBe('number');
      expect(line.durationMs as number).toBeGreaterThanOrEqual(0);
    }
    expect(lines.map(({ method, path, status }) => [method, path, status])).toEqual([
      ['GET', '/api/v1/health', 200],
      ['GET', '/api/v1/captcha', 200],
      ['POST', '/api/v1/generate', 403],
      ['GET', '/missing', 404],
    ]);
    // The address the rate limiter counts: the entry the trusted proxy added, IPv6 per /64.
    expect(lines.map((line) => line.address)).toEqual(['203.0.113.7', '127.0.0.1', '2001:db8:1:2::/64', '127.0.0.1']);
    expect(lines[0]!.userAgent).toBe('PolicyAgent/1.0');
    expect(containsText(await allBytes(logDir), SECRET)).toBe(false);
  });

  it('writes event lines (start, stop, provider failures, handler errors) from whitelisted fields only', async () => {
    let calls = 0;
    const provider = scriptedProvider(async (input) => {
      calls += 1;
      if (calls === 1) throw new UpstreamError('error', 'upstream 500 server_error');
      throw Object.assign(new TypeError(`cannot draw ${input.prompt}`), { code: SECRET });
    });
    const { server, logDir } = await loggedServer({ provider });
    await server.start();
    server.route({ method: 'GET', path: '/policy/throws', handler: () => { throw new Error(`handler failed on ${SECRET}`); } });
    for (let i = 0; i < 2; i++) {
      const { cookie } = await issueCaptcha(server);
      await generate(server, cookie, { prompt: SECRET, captcha: 'ACDEH' });
    }
    expect((await server.inject('/policy/throws')).statusCode).toBe(500);
    server.route({ method: 'GET', path: '/policy/logs', handler: (request) => { request.log(['session', 'error'], `not saved: ${SECRET}`); return 'ok'; } });
    await server.inject('/policy/logs');
    server.log(['cache', 'error'], { message: SECRET, code: 'ECONNRESET', detail: 42 });
    await server.stop();

    const events = eventLines(await logLines(logDir));
    expect(events.map((line) => line.event)).toEqual(['start', 'generate-error', 'generate-error', 'internal-error', 'internal-error', 'session-error', 'cache-error', 'stop']);
    for (const line of events) expect(Object.keys(line).every((key) => EVENT_FIELDS.includes(key))).toBe(true);
    expect(events[1]).toMatchObject({ failure: 'error', detail: 'upstream 500 server_error', route: '/api/v1/generate', method: 'POST' });
    // The code held free text, so it was dropped; the class name is kept.
    expect(events[2]).toEqual({ time: expect.any(String), event: 'generate-error', route: '/api/v1/generate', method: 'POST', failure: 'exception', name: 'TypeError' });
    // hapi's report of each 500: name, status and code locations, no message.
    expect(events[3]).toMatchObject({ error: 'Error', status: 500, route: '/api/v1/generate' });
    expect(events[4]).toMatchObject({ error: 'Error', status: 500, route: '/policy/throws' });
    expect((events[4]!.at as string[])[0]).toMatch(/access-logs\.test\.ts:\d+:\d+$/);
    // Free-text messages are dropped whole; only shaped fields stay.
    expect(events[5]).toEqual({ time: expect.any(String), event: 'session-error', route: '/policy/logs', method: 'GET' });
    expect(events[6]).toEqual({ time: expect.any(String), event: 'cache-error', code: 'ECONNRESET' });
    expect(containsText(await allBytes(logDir), SECRET)).toBe(false);
  });

  it('keeps one file per day, named after the date', async () => {
    const { server, logDir } = await loggedServer();
    for (let i = 0; i < 3; i++) await server.inject('/api/v1/health');
    expect(await readdir(logDir)).toEqual([`access.${localDate(Date.now())}.1.log`]);
  });

  it('deletes files 30 days old at start-up, keeps younger ones and files that are not logs', async () => {
    const now = Date.now();
    const logDir = await tempDir('imageka-logs-');
    const names = [-45, -31, -30, -29, -1].map((days) => `access.${localDate(now, days)}.1.log`);
    for (const name of [...names, 'notes.txt']) await writeFile(join(logDir, name), '{}\n');
    const server = await createServer({ port: 0, logger: { dir: logDir, retentionDays: 30, now: () => now } });
    await server.initialize();
    const kept = await readdir(logDir);
    await server.stop();
    expect(kept.sort()).toEqual([names[3], names[4], `access.${localDate(now)}.1.log`, 'notes.txt'].sort());
  });

  it('deletes a file while running, at the midnight it turns 30 days old', async () => {
    const clock = manualClock(localMidnight(Date.now()) - 50);
    const logDir = await tempDir('imageka-logs-');
    const expiring = `access.${localDate(Date.now(), -30)}.1.log`;
    await writeFile(join(logDir, expiring), '{}\n');
    const { server } = await loggedServerIn(logDir, clock);
    expect(await readdir(logDir)).toContain(expiring);
    clock.advance(100);
    await vi.waitFor(async () => expect(await readdir(logDir)).not.toContain(expiring), { timeout: 5000, interval: 20 });
    await server.stop();
    expect(eventLines(await logLines(logDir))).toContainEqual(expect.objectContaining({ event: 'log-retention', deleted: 1 }));
  });

  it('refuses a retention above 30 days, in createServer and in the environment', async () => {
    await expect(createServer({ port: 0, logger: { dir: await tempDir(), retentionDays: 31 } })).rejects.toThrow(/retentionDays/);
    expect(() => serverOptionsFromEnv({ LOG_RETENTION_DAYS: '31' })).toThrow(ConfigError);
    expect(serverOptionsFromEnv({}).logger).toMatchObject({ retentionDays: 30 });
    expect(serverOptionsFromEnv({ LOG_DIR: '/var/log/imageka', LOG_RETENTION_DAYS: '7' }).logger).toEqual({ dir: '/var/log/imageka', retentionDays: 7 });
  });
});

async function loggedServerIn(logDir: string, now: () => number) {
  const server = await createServer({ port: 0, maxEventLoopDelayMs: 0, logger: { dir: logDir, retentionDays: 30, now } });
  await server.initialize();
  return { server };
}

describe('LOG_OUTPUT=stdout (containers)', () => {
  it('writes the same JSON lines to standard output and no file at all', async () => {
    const child = await startChild({ LOG_OUTPUT: 'stdout' });
    try {
      expect((await fetch(`${child.origin}/api/v1/health/live?token=${SECRET}`)).status).toBe(200);
      await vi.waitFor(() => expect(child.stdout()).toMatch(/"path":"\/api\/v1\/health\/live"/));
      expect(await stopChild(child)).toBe(0);
      const lines = child.stdout().split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
      const access = lines.filter((line) => 'status' in line && 'path' in line);
      expect(access).toHaveLength(1);
      expect(Object.keys(access[0]!).every((key) => ACCESS_FIELDS.includes(key))).toBe(true);
      expect(lines.map((line) => line.event).filter(Boolean)).toEqual(['start', 'stop']);
      expect(child.stdout()).not.toContain(SECRET);
      expect(await readdir(child.dirs.root)).not.toContain('logs');
      expect(await readdir(child.dirs.cwd)).toEqual([]);
    } finally {
      await removeChild(child);
    }
  });

  it('is read from the environment; files stay the default', () => {
    expect(serverOptionsFromEnv({ LOG_OUTPUT: 'stdout' }).logger).toEqual({ output: 'stdout' });
    expect(serverOptionsFromEnv({}).logger).toMatchObject({ retentionDays: 30 });
    expect(() => serverOptionsFromEnv({ LOG_OUTPUT: 'syslog' })).toThrow(/LOG_OUTPUT/);
  });
});
