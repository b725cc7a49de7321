import { describe, expect, it } from 'vitest';
import { serverOptionsFromEnv } from '../../api/config.js';
import { DEFAULTS } from '../../api/defaults.js';
import { createServer } from '../../api/server.js';
import { resolveServerOptions } from '../../api/server-options.js';

describe('createServer options: one set of defaults, validated once', () => {
  it('binds what the CLI binds when given no host: loopback only', async () => {
    const server = await createServer({ port: 0, site: false });
    expect(server.settings.host).toBe('127.0.0.1');
    expect(serverOptionsFromEnv({}).host).toBe(DEFAULTS.host);
  });

  it('refuses an unknown option, naming it', () => {
    expect(() => resolveServerOptions({ prot: 3000 } as never)).toThrow(/"prot" is not allowed/);
  });

  it('refuses a wrongly typed option, naming it', () => {
    expect(() => resolveServerOptions({ maxInFlight: 'four' } as never)).toThrow(/"maxInFlight" must be a number/);
    expect(() => resolveServerOptions({ provider: 'openai' } as never)).toThrow(/"provider"/);
  });

  it('takes every omitted option from DEFAULTS', () => {
    const resolved = resolveServerOptions({});
    for (const key of ['host', 'port', 'captchaTtlMs', 'sessionTtlMs', 'captchaPerMinute', 'generateLimit', 'maxInFlight', 'maxQueued', 'powMinCost', 'powMaxCost'] as const) {
      expect(resolved[key], key).toBe(DEFAULTS[key]);
    }
  });

  it("gives the environment's defaults from the same DEFAULTS, in the variables' units", () => {
    const fromEnv = serverOptionsFromEnv({});
    expect(fromEnv).toMatchObject({
      port: DEFAULTS.port,
      host: DEFAULTS.host,
      captchaTtlMs: DEFAULTS.captchaTtlMs,
      sessionTtlMs: DEFAULTS.sessionTtlMs,
      captchaPerMinute: DEFAULTS.captchaPerMinute,
      generateLimit: DEFAULTS.generateLimit,
      maxInFlight: DEFAULTS.maxInFlight,
      maxInFlightPerClient: DEFAULTS.maxInFlightPerClient,
      maxQueued: DEFAULTS.maxQueued,
      generationTimeoutMs: DEFAULTS.generationTimeoutMs,
      powMinCost: DEFAULTS.powMinCost,
      powMaxCost: DEFAULTS.powMaxCost,
      memoryCacheBytes: DEFAULTS.memoryCacheBytes,
      outputFormat: DEFAULTS.outputFormat,
    });
  });
});
