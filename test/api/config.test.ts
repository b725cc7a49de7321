import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { budgetWarning, ConfigError, serverOptionsFromEnv, shutdownTimeoutMsFromEnv } from '../../api/config.js';
import { createOfflineProvider } from '../../api/providers/offline.js';
import { assertBuildCurrent } from '../helpers/build.js';
import { testServer } from '../helpers/server.js';

describe('serverOptionsFromEnv', () => {
  it('has a default for every variable', () => {
    expect(serverOptionsFromEnv({})).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      crossSite: false,
      secureCookie: true,
      captchaTtlMs: 600_000,
      captchaPerMinute: 30,
      generateLimit: 30,
      trustedProxies: 0,
      corsOrigins: '*',
      outputFormat: 'webp',
    });
  });

  it('reads an origin allowlist and cross-site cookies', () => {
    const options = serverOptionsFromEnv({ CORS_ORIGINS: 'https://a.example, https://b.example', COOKIE_MODE: 'cross-site' });
    expect(options.corsOrigins).toEqual(['https://a.example', 'https://b.example']);
    expect(options.crossSite).toBe(true);
  });

  it('matches an allowlisted origin written with a trailing slash', async () => {
    const { corsOrigins } = serverOptionsFromEnv({ CORS_ORIGINS: 'https://a.example/, https://b.example//' });
    expect(corsOrigins).toEqual(['https://a.example', 'https://b.example']);
    const server = await testServer({ corsOrigins });
    const response = await server.inject({ url: '/api/v1/health', headers: { origin: 'https://a.example' } });
    expect(response.headers['access-control-allow-origin']).toBe('https://a.example');
  });

  it('has no generation budget unless one is set, and one generation per client at a time', () => {
    const options = serverOptionsFromEnv({});
    expect(options.maxInFlightPerClient).toBe(1);
    expect('generationBudgetPerHour' in options || 'generationBudgetPerDay' in options).toBe(false);
    expect(serverOptionsFromEnv({ GENERATION_BUDGET_PER_HOUR: '50', GENERATION_BUDGET_PER_DAY: '400', MAX_IN_FLIGHT_PER_CLIENT: '2' })).toMatchObject({
      generationBudgetPerHour: 50,
      generationBudgetPerDay: 400,
      maxInFlightPerClient: 2,
    });
  });

  it('warns about a real image service without a budget, and only then', () => {
    const paid = { name: 'openai', preview: false, generate: createOfflineProvider().generate };
    expect(budgetWarning({ provider: paid })).toMatch(/provider "openai" .*GENERATION_BUDGET_PER_HOUR or GENERATION_BUDGET_PER_DAY/);
    expect(budgetWarning({ provider: paid, generationBudgetPerDay: 100 })).toBeUndefined();
    expect(budgetWarning({ provider: paid, generationBudgetPerHour: 10 })).toBeUndefined();
    expect(budgetWarning({ provider: createOfflineProvider() })).toBeUndefined();
  });

  it('reads the proof-of-work range, and refuses a maximum below the minimum', () => {
    expect(serverOptionsFromEnv({})).toMatchObject({ powMinCost: 500_000, powMaxCost: 10_000_000 });
    expect(serverOptionsFromEnv({ POW_MIN_COST: '2000', POW_MAX_COST: '8000' })).toMatchObject({ powMinCost: 2000, powMaxCost: 8000 });
    expect(() => serverOptionsFromEnv({ POW_MIN_COST: '9000', POW_MAX_COST: '8000' })).toThrow(/POW_MAX_COST must be at least POW_MIN_COST/);
    expect(() => serverOptionsFromEnv({ POW_MIN_COST: '10' })).toThrow(/POW_MIN_COST/);
  });

  it('treats a blank variable as unset', () => {
    expect(serverOptionsFromEnv({ PORT: '', CORS_ORIGINS: '  ' })).toMatchObject({ port: 3000, corsOrigins: '*' });
  });

  it('reads the shutdown bound, 30 s by default', () => {
    expect(shutdownTimeoutMsFromEnv({})).toBe(30_000);
    expect(shutdownTimeoutMsFromEnv({ SHUTDOWN_TIMEOUT_SECONDS: '340' })).toBe(340_000);
  });

  it.each([
    ['SHUTDOWN_TIMEOUT_SECONDS', '0'],
    ['PORT', 'eighty'],
    ['TRUSTED_PROXIES', '-1'],
    ['COOKIE_MODE', 'lax'],
    ['CORS_ORIGINS', 'example.com'],
    ['SESSION_SECRET', 'short'],
    ['RATE_LIMIT_GENERATE_PER_HOUR', '0'],
    ['GENERATION_BUDGET_PER_HOUR', '0'],
    ['GENERATION_BUDGET_PER_DAY', 'lots'],
    ['MAX_IN_FLIGHT_PER_CLIENT', '0'],
  ])('a bad %s is refused with a message naming it', (name, value) => {
    expect(() => serverOptionsFromEnv({ [name]: value })).toThrow(ConfigError);
    expect(() => serverOptionsFromEnv({ [name]: value })).toThrow(name);
  });
});

describe('npm start entry (dist/api/main.js)', () => {
  it('exits with status 1 and names the variable on a bad value', () => {
    assertBuildCurrent();
    const result = spawnSync(process.execPath, ['dist/api/main.js'], { env: { ...process.env, PORT: 'eighty' }, encoding: 'utf8', timeout: 20_000 });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/PORT/);
  });

  it.each([
    ['prints one warning line when a real provider runs with no budget', {}, 1],
    ['prints none with a budget', { GENERATION_BUDGET_PER_DAY: '500' }, 0],
  ] as const)('%s', async (_name, extra, warnings) => {
    assertBuildCurrent();
    const logs = mkdtempSync(join(tmpdir(), 'imageka-start-'));
    const child = spawn(process.execPath, ['dist/api/main.js'], {
      env: { ...process.env, PORT: '0', LOG_DIR: logs, IMAGEKA_PROVIDER: 'pollinations', POLLINATIONS_API_KEY: 'sk_test_not_used', ...extra },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          if (stdout.includes('listening')) resolve();
        });
        child.once('exit', (status) => reject(new Error(`exited ${status}: ${stderr}`)));
      });
    } finally {
      const exited = child.exitCode === null ? once(child, 'exit') : Promise.resolve();
      child.kill('SIGTERM');
      await exited;
      rmSync(logs, { recursive: true, force: true });
    }
    const lines = `${stdout}${stderr}`.split('\n').filter((line) => line.includes('no generation budget'));
    expect(lines).toHaveLength(warnings);
    if (warnings) expect(lines[0]).toMatch(/^\[imageka\] warning: provider "pollinations"/);
  });
});
