import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROVIDER_ENV_DOC, PROVIDER_NAMES, ProviderConfigError, providerFromEnv } from '../../../api/providers/index.js';

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

  it('documents every variable of every adapter', () => {
    expect(Object.keys(PROVIDER_ENV_DOC)).toEqual(PROVIDER_NAMES);
    expect(PROVIDER_ENV_DOC.openai).toHaveProperty('OPENAI_TIMEOUT_MS');
  });
});
