/**
 * Picks the adapter named by IMAGEKA_PROVIDER and validates its own variables once, at start-up,
 * so a missing key fails the boot with a message naming the variable instead of failing the
 * first visitor. Values (keys!) never appear in the messages.
 */
import { readFileSync } from 'node:fs';
import Joi from 'joi';
import { A1111_DEFAULT_BASE_URL, A1111_DEFAULT_STEPS, A1111_DEFAULT_TIMEOUT_MS, createAutomatic1111Provider } from './automatic1111.js';
import { CLOUDFLARE_DEFAULT_BASE_URL, CLOUDFLARE_DEFAULT_MODEL, CLOUDFLARE_DEFAULT_TIMEOUT_MS, createCloudflareProvider } from './cloudflare.js';
import {
  COMFYUI_DEFAULT_BASE_URL, COMFYUI_DEFAULT_MODEL, COMFYUI_DEFAULT_TIMEOUT_MS, COMFYUI_PLACEHOLDERS, createComfyUIProvider, parseComfyWorkflow,
  type ComfyWorkflow,
} from './comfyui.js';
import { HF_DEFAULT_BASE_URL, HF_DEFAULT_MODEL, HF_DEFAULT_TIMEOUT_MS, createHuggingFaceProvider } from './huggingface.js';
import { createOfflineProvider } from './offline.js';
import { OPENAI_BASE_URLS, OPENAI_DEFAULT_MODEL, OPENAI_DEFAULT_TIMEOUT_MS, OPENAI_FLAVORS, createOpenAIProvider, type OpenAIFlavor } from './openai.js';
import { POLLINATIONS_DEFAULT_BASE_URL, POLLINATIONS_DEFAULT_MODEL, POLLINATIONS_DEFAULT_TIMEOUT_MS, createPollinationsProvider } from './pollinations.js';
import { REPLICATE_DEFAULT_BASE_URL, REPLICATE_DEFAULT_MODEL, REPLICATE_DEFAULT_TIMEOUT_MS, createReplicateProvider } from './replicate.js';
import { STABILITY_DEFAULT_BASE_URL, STABILITY_DEFAULT_MODEL, STABILITY_DEFAULT_TIMEOUT_MS, createStabilityProvider } from './stability.js';
import type { ImageProvider } from './types.js';

export class ProviderConfigError extends Error {
  override readonly name = 'ProviderConfigError';
}

interface Variable {
  schema: Joi.Schema;
  /** What the variable accepts, for the error message and the README. */
  accepts: string;
}

type Values = Record<string, unknown>;

/** Settings every adapter may use, read by api/config.ts. */
export interface SharedProviderSettings {
  /** Extra hosts output URLs may come from (PROVIDER_DOWNLOAD_HOSTS). */
  downloadHosts: string[];
}

interface AdapterSpec {
  variables: Record<string, Variable>;
  create(values: Values, shared: SharedProviderSettings): ImageProvider;
}

const TIMEOUT_LIMITS = { min: 1000, max: 3_600_000 };

function timeout(defaultMs: number): Variable {
  return {
    schema: Joi.number().integer().min(TIMEOUT_LIMITS.min).max(TIMEOUT_LIMITS.max).default(defaultMs),
    accepts: `milliseconds for the whole call, ${TIMEOUT_LIMITS.min}–${TIMEOUT_LIMITS.max} (default ${defaultMs})`,
  };
}

function httpUrl(defaultUrl: string, what = 'the API base URL'): Variable {
  return {
    schema: Joi.string().uri({ scheme: ['http', 'https'] }).default(defaultUrl),
    accepts: `${what}, http(s) (default ${defaultUrl})`,
  };
}

const secret = (what: string): Variable => ({ schema: Joi.string().required(), accepts: `${what}; required` });

const text = (what: string, defaultValue?: string): Variable => ({
  schema: defaultValue === undefined ? Joi.string() : Joi.string().default(defaultValue),
  accepts: defaultValue === undefined ? `${what}; optional` : `${what} (default ${defaultValue})`,
});

const str = (values: Values, key: string) => values[key] as string;
const optStr = (values: Values, key: string) => values[key] as string | undefined;
const num = (values: Values, key: string) => values[key] as number;

const ADAPTERS: Record<string, AdapterSpec> = {
  offline: { variables: {}, create: () => createOfflineProvider() },

  openai: {
    variables: {
      OPENAI_FLAVOR: {
        schema: Joi.string().valid(...OPENAI_FLAVORS).default('openai'),
        accepts: `the server's dialect: ${OPENAI_FLAVORS.join(' | ')} (default openai)`,
      },
      OPENAI_API_KEY: {
        schema: Joi.string().when('OPENAI_FLAVOR', { is: 'localai', then: Joi.optional(), otherwise: Joi.required() }),
        accepts: 'the Bearer API key; required unless OPENAI_FLAVOR=localai',
      },
      OPENAI_BASE_URL: {
        schema: Joi.string().uri({ scheme: ['http', 'https'] }),
        accepts: `the API base URL ending in /v1, http(s) (default per flavor: ${Object.entries(OPENAI_BASE_URLS).map(([f, u]) => `${f} ${u}`).join(', ')})`,
      },
      OPENAI_MODEL: {
        schema: Joi.string().when('OPENAI_FLAVOR', { is: 'openai', then: Joi.optional().default(OPENAI_DEFAULT_MODEL), otherwise: Joi.required() }),
        accepts: `the model name, always sent (default ${OPENAI_DEFAULT_MODEL} for OpenAI; required for other flavors)`,
      },
      OPENAI_QUALITY: {
        schema: Joi.string().valid('low', 'medium', 'high', 'auto'),
        accepts: 'GPT image quality: low | medium | high | auto; optional (OpenAI decides)',
      },
      OPENAI_TIMEOUT_MS: timeout(OPENAI_DEFAULT_TIMEOUT_MS),
    },
    create: (v, shared) =>
      createOpenAIProvider({
        flavor: str(v, 'OPENAI_FLAVOR') as OpenAIFlavor,
        apiKey: optStr(v, 'OPENAI_API_KEY'),
        baseUrl: optStr(v, 'OPENAI_BASE_URL'),
        model: str(v, 'OPENAI_MODEL'),
        quality: optStr(v, 'OPENAI_QUALITY'),
        timeoutMs: num(v, 'OPENAI_TIMEOUT_MS'),
        downloadHosts: shared.downloadHosts,
      }),
  },

  stability: {
    variables: {
      STABILITY_API_KEY: secret('the Bearer API key (sk-…)'),
      STABILITY_BASE_URL: httpUrl(STABILITY_DEFAULT_BASE_URL),
      STABILITY_MODEL: {
        schema: Joi.string().pattern(/^(core|ultra|sd3[A-Za-z0-9.-]*)$/).default(STABILITY_DEFAULT_MODEL),
        accepts: `core | ultra | sd3 | an sd3 model such as sd3.5-large, sd3.5-large-turbo, sd3.5-medium (default ${STABILITY_DEFAULT_MODEL})`,
      },
      STABILITY_TIMEOUT_MS: timeout(STABILITY_DEFAULT_TIMEOUT_MS),
    },
    create: (v) =>
      createStabilityProvider({
        apiKey: str(v, 'STABILITY_API_KEY'),
        baseUrl: str(v, 'STABILITY_BASE_URL'),
        model: str(v, 'STABILITY_MODEL'),
        timeoutMs: num(v, 'STABILITY_TIMEOUT_MS'),
      }),
  },

  replicate: {
    variables: {
      REPLICATE_API_TOKEN: secret('the Bearer API token (r8_…)'),
      REPLICATE_BASE_URL: httpUrl(REPLICATE_DEFAULT_BASE_URL),
      REPLICATE_MODEL: {
        schema: Joi.string().pattern(/^[\w.-]+\/[\w.-]+(:[0-9a-f]+)?$/).default(REPLICATE_DEFAULT_MODEL),
        accepts: `an official model owner/name, or owner/name:version (default ${REPLICATE_DEFAULT_MODEL})`,
      },
      REPLICATE_TIMEOUT_MS: timeout(REPLICATE_DEFAULT_TIMEOUT_MS),
    },
    create: (v, shared) =>
      createReplicateProvider({
        apiToken: str(v, 'REPLICATE_API_TOKEN'),
        baseUrl: str(v, 'REPLICATE_BASE_URL'),
        model: str(v, 'REPLICATE_MODEL'),
        timeoutMs: num(v, 'REPLICATE_TIMEOUT_MS'),
        downloadHosts: shared.downloadHosts,
      }),
  },

  automatic1111: {
    variables: {
      A1111_BASE_URL: httpUrl(A1111_DEFAULT_BASE_URL, 'the web UI started with --api'),
      A1111_AUTH: {
        schema: Joi.string().pattern(/^[^:]+:.+$/),
        accepts: 'user:password when the UI runs with --api-auth; optional',
      },
      A1111_MODEL: text('the checkpoint to switch to, sent as override_settings.sd_model_checkpoint (unset: the loaded one)'),
      A1111_STEPS: {
        schema: Joi.number().integer().min(1).max(150).default(A1111_DEFAULT_STEPS),
        accepts: `sampling steps, 1–150 (default ${A1111_DEFAULT_STEPS})`,
      },
      A1111_SAMPLER: text("the sampler name, e.g. 'Euler a' (unset: the UI's default)"),
      A1111_TIMEOUT_MS: timeout(A1111_DEFAULT_TIMEOUT_MS),
    },
    create: (v) =>
      createAutomatic1111Provider({
        baseUrl: str(v, 'A1111_BASE_URL'),
        auth: optStr(v, 'A1111_AUTH'),
        model: optStr(v, 'A1111_MODEL'),
        steps: num(v, 'A1111_STEPS'),
        sampler: optStr(v, 'A1111_SAMPLER'),
        timeoutMs: num(v, 'A1111_TIMEOUT_MS'),
      }),
  },

  comfyui: {
    variables: {
      COMFYUI_BASE_URL: httpUrl(COMFYUI_DEFAULT_BASE_URL, 'the ComfyUI server'),
      COMFYUI_WORKFLOW: {
        schema: Joi.string(),
        accepts: `a path to a workflow in API format (JSON) with placeholders ${COMFYUI_PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ')}; optional (built-in: checkpoint → KSampler → PreviewImage)`,
      },
      COMFYUI_MODEL: text('the checkpoint that fills {{model}}', COMFYUI_DEFAULT_MODEL),
      COMFYUI_TIMEOUT_MS: timeout(COMFYUI_DEFAULT_TIMEOUT_MS),
    },
    create: (v) =>
      createComfyUIProvider({
        baseUrl: str(v, 'COMFYUI_BASE_URL'),
        workflow: optStr(v, 'COMFYUI_WORKFLOW') === undefined ? undefined : comfyWorkflowFromFile(str(v, 'COMFYUI_WORKFLOW')),
        model: str(v, 'COMFYUI_MODEL'),
        timeoutMs: num(v, 'COMFYUI_TIMEOUT_MS'),
      }),
  },

  huggingface: {
    variables: {
      HF_API_TOKEN: secret('a Hugging Face access token (hf_…) allowed to call Inference Providers'),
      HF_BASE_URL: httpUrl(HF_DEFAULT_BASE_URL, 'the router base; the model id is appended'),
      HF_MODEL: text('a text-to-image model id served by hf-inference', HF_DEFAULT_MODEL),
      HF_TIMEOUT_MS: timeout(HF_DEFAULT_TIMEOUT_MS),
    },
    create: (v) =>
      createHuggingFaceProvider({
        apiToken: str(v, 'HF_API_TOKEN'),
        baseUrl: str(v, 'HF_BASE_URL'),
        model: str(v, 'HF_MODEL'),
        timeoutMs: num(v, 'HF_TIMEOUT_MS'),
      }),
  },

  cloudflare: {
    variables: {
      CLOUDFLARE_ACCOUNT_ID: {
        schema: Joi.string().pattern(/^[0-9a-f]{32}$/).required(),
        accepts: 'the 32-hex-digit account id; required',
      },
      CLOUDFLARE_API_TOKEN: secret('an API token with Workers AI permission'),
      CLOUDFLARE_BASE_URL: httpUrl(CLOUDFLARE_DEFAULT_BASE_URL),
      CLOUDFLARE_MODEL: {
        schema: Joi.string().pattern(/^@cf\/[\w.-]+\/[\w.-]+$/).default(CLOUDFLARE_DEFAULT_MODEL),
        accepts: `a Workers AI text-to-image model, e.g. @cf/bytedance/stable-diffusion-xl-lightning (default ${CLOUDFLARE_DEFAULT_MODEL})`,
      },
      CLOUDFLARE_TIMEOUT_MS: timeout(CLOUDFLARE_DEFAULT_TIMEOUT_MS),
    },
    create: (v) =>
      createCloudflareProvider({
        accountId: str(v, 'CLOUDFLARE_ACCOUNT_ID'),
        apiToken: str(v, 'CLOUDFLARE_API_TOKEN'),
        baseUrl: str(v, 'CLOUDFLARE_BASE_URL'),
        model: str(v, 'CLOUDFLARE_MODEL'),
        timeoutMs: num(v, 'CLOUDFLARE_TIMEOUT_MS'),
      }),
  },

  pollinations: {
    variables: {
      POLLINATIONS_API_KEY: secret('a secret key (sk_…) from enter.pollinations.ai'),
      POLLINATIONS_BASE_URL: httpUrl(POLLINATIONS_DEFAULT_BASE_URL),
      POLLINATIONS_MODEL: text('the image model, always sent', POLLINATIONS_DEFAULT_MODEL),
      POLLINATIONS_SAFE: {
        schema: Joi.boolean().default(true),
        accepts: 'true | false: ask Pollinations to refuse NSFW results (default true)',
      },
      POLLINATIONS_TIMEOUT_MS: timeout(POLLINATIONS_DEFAULT_TIMEOUT_MS),
    },
    create: (v) =>
      createPollinationsProvider({
        apiKey: str(v, 'POLLINATIONS_API_KEY'),
        baseUrl: str(v, 'POLLINATIONS_BASE_URL'),
        model: str(v, 'POLLINATIONS_MODEL'),
        safe: v.POLLINATIONS_SAFE as boolean,
        timeoutMs: num(v, 'POLLINATIONS_TIMEOUT_MS'),
      }),
  },
};

export const PROVIDER_NAMES = Object.keys(ADAPTERS);

/** Every adapter's variables and what they accept, for documentation. */
export const PROVIDER_ENV_DOC: Record<string, Record<string, string>> = Object.fromEntries(
  Object.entries(ADAPTERS).map(([name, spec]) => [name, Object.fromEntries(Object.entries(spec.variables).map(([k, v]) => [k, v.accepts]))]),
);

export function providerFromEnv(env: Record<string, string | undefined>, shared: SharedProviderSettings = { downloadHosts: [] }): ImageProvider {
  const name = present(env.IMAGEKA_PROVIDER) ?? 'offline';
  const spec = ADAPTERS[name];
  if (!spec) throw new ProviderConfigError(`IMAGEKA_PROVIDER must be one of ${PROVIDER_NAMES.join(', ')} (default offline)`);

  const given = Object.fromEntries(Object.keys(spec.variables).map((key) => [key, present(env[key])]).filter(([, v]) => v !== undefined));
  const schema = Joi.object(Object.fromEntries(Object.entries(spec.variables).map(([key, v]) => [key, v.schema])));
  const { error, value } = schema.validate(given, { abortEarly: true, convert: true });
  if (error) {
    // Joi's own messages can quote the value, and values here are secrets: build our own.
    const key = String(error.details[0]?.path[0] ?? '');
    const problem = error.details[0]?.type === 'any.required' ? 'is missing' : 'is invalid';
    throw new ProviderConfigError(`${key} ${problem} (IMAGEKA_PROVIDER=${name}): expected ${spec.variables[key]?.accepts ?? 'a valid value'}`);
  }
  return spec.create(value as Values, shared);
}

function comfyWorkflowFromFile(path: string): ComfyWorkflow {
  const expected = `expected ${ADAPTERS.comfyui?.variables.COMFYUI_WORKFLOW?.accepts}`;
  let json: string;
  try {
    json = readFileSync(path, 'utf8');
  } catch {
    throw new ProviderConfigError(`COMFYUI_WORKFLOW cannot be read (IMAGEKA_PROVIDER=comfyui): ${expected}`);
  }
  try {
    return parseComfyWorkflow(json);
  } catch (err) {
    throw new ProviderConfigError(`COMFYUI_WORKFLOW ${(err as Error).message} (IMAGEKA_PROVIDER=comfyui): ${expected}`);
  }
}

/** Unset and blank variables are the same thing in a .env file. */
function present(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
