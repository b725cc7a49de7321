import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PROVIDER_ENV_DOC, PROVIDER_NAMES, ProviderConfigError, providerFromEnv } from '../../../api/providers/index.js';
import { startA1111Fake } from './fakes/automatic1111.js';
import { CF_ACCOUNT, startCloudflareFake } from './fakes/cloudflare.js';
import { startComfyFake } from './fakes/comfyui.js';
import { generateInput } from './fakes/contract.js';
import { startHuggingFaceFake } from './fakes/huggingface.js';
import { startOpenAIFake } from './fakes/openai.js';
import { startPollinationsFake } from './fakes/pollinations.js';
import { startReplicateFake } from './fakes/replicate.js';
import { startStabilityFake } from './fakes/stability.js';
import type { FakeUpstream } from './fakes/upstream.js';

const SECRET = 'sk-very-secret-value-123';

function configError(env: Record<string, string | undefined>): ProviderConfigError {
  try {
    providerFromEnv(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ProviderConfigError);
    const message = (err as Error).message;
    expect(message).not.toContain(SECRET);
    return err as ProviderConfigError;
  }
  throw new Error('expected a ProviderConfigError');
}

describe('providerFromEnv', () => {
  it('defaults to the offline preview provider', () => {
    const provider = providerFromEnv({});
    expect(provider.name).toBe('offline');
    expect(provider.preview).toBe(true);
    expect(providerFromEnv({ IMAGEKA_PROVIDER: '  ' }).name).toBe('offline');
  });

  it('refuses an unknown provider and lists the valid ones', () => {
    const err = configError({ IMAGEKA_PROVIDER: 'dalle' });
    expect(err.message).toContain('IMAGEKA_PROVIDER');
    for (const name of PROVIDER_NAMES) expect(err.message).toContain(name);
  });

  it('names a missing key and says what it accepts', () => {
    const err = configError({ IMAGEKA_PROVIDER: 'openai' });
    expect(err.message).toMatch(/^OPENAI_API_KEY is missing \(IMAGEKA_PROVIDER=openai\): expected the Bearer API key/);
  });

  it('treats a blank variable as missing', () => {
    expect(configError({ IMAGEKA_PROVIDER: 'openai', OPENAI_API_KEY: '   ' }).message).toContain('OPENAI_API_KEY is missing');
  });

  it('names an invalid value without echoing it', () => {
    const err = configError({ IMAGEKA_PROVIDER: 'openai', OPENAI_API_KEY: SECRET, OPENAI_TIMEOUT_MS: SECRET });
    expect(err.message).toContain('OPENAI_TIMEOUT_MS is invalid');
    expect(err.message).toContain('milliseconds');
  });

  it('refuses a timeout out of range and a base URL that is not http(s)', () => {
    expect(configError({ IMAGEKA_PROVIDER: 'openai', OPENAI_API_KEY: SECRET, OPENAI_TIMEOUT_MS: '5' }).message).toContain('OPENAI_TIMEOUT_MS');
    expect(configError({ IMAGEKA_PROVIDER: 'openai', OPENAI_API_KEY: SECRET, OPENAI_BASE_URL: 'ftp://x' }).message).toContain('OPENAI_BASE_URL');
  });

  it('needs no key for LocalAI but a model for every compatible flavor', () => {
    expect(providerFromEnv({ IMAGEKA_PROVIDER: 'openai', OPENAI_FLAVOR: 'localai', OPENAI_MODEL: 'sd' }).name).toBe('openai');
    expect(configError({ IMAGEKA_PROVIDER: 'openai', OPENAI_FLAVOR: 'together', OPENAI_API_KEY: SECRET }).message).toContain('OPENAI_MODEL is missing');
    expect(configError({ IMAGEKA_PROVIDER: 'openai', OPENAI_FLAVOR: 'azure', OPENAI_API_KEY: SECRET }).message).toContain('OPENAI_FLAVOR is invalid');
  });

  it('loads a ComfyUI workflow file, and names COMFYUI_WORKFLOW when it is unusable', () => {
    const dir = mkdtempSync(join(tmpdir(), 'imageka-comfy-'));
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify({ 1: { class_type: 'CLIPTextEncode', inputs: { text: '{{prompt}}' } } }));
    expect(providerFromEnv({ IMAGEKA_PROVIDER: 'comfyui', COMFYUI_WORKFLOW: good }).name).toBe('comfyui');

    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ 1: { class_type: 'CLIPTextEncode', inputs: { text: SECRET } } }));
    expect(configError({ IMAGEKA_PROVIDER: 'comfyui', COMFYUI_WORKFLOW: bad }).message).toMatch(/^COMFYUI_WORKFLOW has no \{\{prompt\}\} placeholder/);
    expect(configError({ IMAGEKA_PROVIDER: 'comfyui', COMFYUI_WORKFLOW: join(dir, 'missing.json') }).message).toMatch(/^COMFYUI_WORKFLOW cannot be read/);
  });

  it('documents every adapter and every variable in the README', () => {
    expect(Object.keys(PROVIDER_ENV_DOC)).toEqual(PROVIDER_NAMES);
    const doc = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    for (const [name, variables] of Object.entries(PROVIDER_ENV_DOC)) {
      expect(doc).toContain(`| \`${name}\``);
      for (const variable of Object.keys(variables)) expect(doc, variable).toContain(`| \`${variable}\` |`);
    }
  });
});

describe('providerFromEnv wires each adapter to its variables', () => {
  let fake: FakeUpstream | undefined;
  afterEach(async () => { await fake?.close(); });

  const cases: [string, () => Promise<FakeUpstream>, (url: string) => Record<string, string>, string | undefined][] = [
    ['openai', () => startOpenAIFake(), (url) => ({ OPENAI_API_KEY: 'k-openai', OPENAI_BASE_URL: `${url}/v1` }), 'Bearer k-openai'],
    ['stability', () => startStabilityFake(), (url) => ({ STABILITY_API_KEY: 'k-stab', STABILITY_BASE_URL: url }), 'Bearer k-stab'],
    ['replicate', () => startReplicateFake({ sync: true }), (url) => ({ REPLICATE_API_TOKEN: 'k-rep', REPLICATE_BASE_URL: `${url}/v1` }), 'Bearer k-rep'],
    ['automatic1111', () => startA1111Fake(), (url) => ({ A1111_BASE_URL: url, A1111_AUTH: 'u:p' }), `Basic ${Buffer.from('u:p').toString('base64')}`],
    ['comfyui', () => startComfyFake(), (url) => ({ COMFYUI_BASE_URL: url }), undefined],
    ['huggingface', () => startHuggingFaceFake(), (url) => ({ HF_API_TOKEN: 'k-hf', HF_BASE_URL: `${url}/hf-inference/models` }), 'Bearer k-hf'],
    ['cloudflare', () => startCloudflareFake(), (url) => ({ CLOUDFLARE_ACCOUNT_ID: CF_ACCOUNT, CLOUDFLARE_API_TOKEN: 'k-cf', CLOUDFLARE_BASE_URL: `${url}/client/v4` }), 'Bearer k-cf'],
    ['pollinations', () => startPollinationsFake(), (url) => ({ POLLINATIONS_API_KEY: 'k-pol', POLLINATIONS_BASE_URL: url }), 'Bearer k-pol'],
  ];

  it('covers every real adapter', () => {
    expect(cases.map(([name]) => name).sort()).toEqual(PROVIDER_NAMES.filter((n) => n !== 'offline').sort());
  });

  it.each(cases)('%s', async (name, start, env, authorization) => {
    fake = await start();
    const provider = providerFromEnv({ IMAGEKA_PROVIDER: name, ...env(fake.url) });
    expect([provider.name, provider.preview]).toEqual([name, false]);
    const image = await provider.generate(generateInput());
    expect(image.bytes.byteLength).toBeGreaterThan(0);
    expect(fake.seen[fake.seen[0]!.url.startsWith('/ws') ? 1 : 0]!.headers.authorization).toBe(authorization);
  });

  it.each([
    ['stability', 'STABILITY_API_KEY'],
    ['replicate', 'REPLICATE_API_TOKEN'],
    ['huggingface', 'HF_API_TOKEN'],
    ['cloudflare', 'CLOUDFLARE_ACCOUNT_ID'],
    ['pollinations', 'POLLINATIONS_API_KEY'],
  ])('%s refuses to start without %s', (name, variable) => {
    expect(configError({ IMAGEKA_PROVIDER: name }).message).toMatch(new RegExp(`^${variable} is missing \\(IMAGEKA_PROVIDER=${name}\\)`));
  });

  it('refuses a Cloudflare token without its account id, and a malformed account id', () => {
    expect(configError({ IMAGEKA_PROVIDER: 'cloudflare', CLOUDFLARE_ACCOUNT_ID: 'acme', CLOUDFLARE_API_TOKEN: SECRET }).message).toContain('CLOUDFLARE_ACCOUNT_ID is invalid');
    expect(configError({ IMAGEKA_PROVIDER: 'cloudflare', CLOUDFLARE_ACCOUNT_ID: CF_ACCOUNT }).message).toContain('CLOUDFLARE_API_TOKEN is missing');
  });
});
