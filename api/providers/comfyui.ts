/**
 * ComfyUI: queue a workflow on /prompt, follow it on the websocket (progress, completion) or,
 * when the socket is unavailable, by polling /history, then fetch the picture from /view.
 * The workflow is a template in ComfyUI's API format with {{placeholders}}.
 */
import { randomUUID } from 'node:crypto';
import { UpstreamCall, discard, documentedCode, field, joinUrl, safeToken, statusFailure } from './http.js';
import { ComfyEvents, executionError, imagesOf, type ComfyImageRef } from './comfyui-events.js';
import { imageResult, progressReporter, rejectIfBlank } from './image-data.js';
import { UpstreamError, type GenerateInput, type GeneratedImage, type ImageProvider } from './types.js';

/** `{ node_id: { class_type, inputs } }`, as "Save (API format)" exports it. */
export type ComfyWorkflow = Record<string, { class_type: string; inputs: Record<string, unknown> }>;

export interface ComfyUIConfig {
  /** @default 'http://127.0.0.1:8188' */
  baseUrl?: string;
  /** The template; the built-in one is a plain checkpoint → KSampler → PreviewImage graph. */
  workflow?: ComfyWorkflow;
  /** Fills {{model}}: the checkpoint file of the built-in workflow. @default 'sd_xl_base_1.0.safetensors' */
  model?: string;
  /** @default 300000 */
  timeoutMs?: number;
  /** /history polling interval when the websocket is unavailable. @default 1000 */
  pollIntervalMs?: number;
}

export const COMFYUI_DEFAULT_BASE_URL = 'http://127.0.0.1:8188';
export const COMFYUI_DEFAULT_MODEL = 'sd_xl_base_1.0.safetensors';
export const COMFYUI_DEFAULT_TIMEOUT_MS = 300_000;
export const COMFYUI_PLACEHOLDERS = ['prompt', 'negative_prompt', 'seed', 'width', 'height', 'model'] as const;
const NUMERIC_PLACEHOLDERS = new Set(['seed', 'width', 'height']);
const CLEANUP_TIMEOUT_MS = 5000;
/** The `error.type`s of ComfyUI's /prompt validation answers (older builds send "no prompt" as a string). */
const COMFY_ERROR_TYPES = new Set(['prompt_outputs_failed_validation', 'prompt_no_outputs', 'invalid_prompt', 'no prompt']);

/**
 * PreviewImage writes to ComfyUI's temp folder (emptied on restart) rather than its output
 * folder, so the visitor's picture, prompt chunk included, does not pile up on the upstream.
 */
export const DEFAULT_COMFY_WORKFLOW: ComfyWorkflow = {
  '3': {
    class_type: 'KSampler',
    inputs: {
      seed: '{{seed}}', steps: 25, cfg: 7, sampler_name: 'euler', scheduler: 'normal', denoise: 1,
      model: ['4', 0], positive: ['6', 0], negative: ['7', 0], latent_image: ['5', 0],
    },
  },
  '4': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: '{{model}}' } },
  '5': { class_type: 'EmptyLatentImage', inputs: { width: '{{width}}', height: '{{height}}', batch_size: 1 } },
  '6': { class_type: 'CLIPTextEncode', inputs: { text: '{{prompt}}', clip: ['4', 1] } },
  '7': { class_type: 'CLIPTextEncode', inputs: { text: '{{negative_prompt}}', clip: ['4', 1] } },
  '8': { class_type: 'VAEDecode', inputs: { samples: ['3', 0], vae: ['4', 2] } },
  '9': { class_type: 'PreviewImage', inputs: { images: ['8', 0] } },
};

/** Parses and checks a workflow template; the message says what is wrong, never the content. */
export function parseComfyWorkflow(json: string): ComfyWorkflow {
  let graph: unknown;
  try {
    graph = JSON.parse(json);
  } catch {
    throw new Error('is not valid JSON');
  }
  if (!graph || typeof graph !== 'object' || Array.isArray(graph)) throw new Error('must be a JSON object of nodes (API format)');
  for (const node of Object.values(graph)) {
    if (typeof field(node, 'class_type') !== 'string' || typeof field(node, 'inputs') !== 'object') {
      throw new Error('must be in API format: every node needs class_type and inputs ("Save (API Format)" in ComfyUI)');
    }
  }
  if (!JSON.stringify(graph).includes('{{prompt}}')) throw new Error('has no {{prompt}} placeholder');
  return graph as ComfyWorkflow;
}

/**
 * Fills the placeholders in the parsed graph, never in its text, so a prompt full of quotes
 * cannot change the workflow. A value that is exactly "{{seed}}", "{{width}}" or "{{height}}"
 * becomes a number.
 */
export function fillWorkflow(workflow: ComfyWorkflow, values: Record<(typeof COMFYUI_PLACEHOLDERS)[number], string | number>): ComfyWorkflow {
  const fill = (value: unknown): unknown => {
    if (typeof value === 'string') {
      const exact = /^\{\{(\w+)\}\}$/.exec(value)?.[1];
      if (exact && NUMERIC_PLACEHOLDERS.has(exact)) return Number(values[exact as keyof typeof values]);
      return value.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => (name in values ? String(values[name as keyof typeof values]) : whole));
    }
    if (Array.isArray(value)) return value.map(fill);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v)]));
    return value;
  };
  return fill(workflow) as ComfyWorkflow;
}

export function createComfyUIProvider(config: ComfyUIConfig): ImageProvider {
  const base = config.baseUrl ?? COMFYUI_DEFAULT_BASE_URL;
  const workflow = config.workflow ?? DEFAULT_COMFY_WORKFLOW;
  const timeoutMs = config.timeoutMs ?? COMFYUI_DEFAULT_TIMEOUT_MS;
  const pollIntervalMs = config.pollIntervalMs ?? 1000;
  const url = (path: string) => joinUrl(base, path);

  return {
    name: 'comfyui',
    preview: false,
    async generate(input: GenerateInput): Promise<GeneratedImage> {
      const call = new UpstreamCall(input.signal, timeoutMs);
      const clientId = randomUUID();
      const graph = fillWorkflow(workflow, {
        prompt: input.prompt, negative_prompt: input.negativePrompt ?? '', seed: input.seed,
        width: input.width, height: input.height, model: config.model ?? COMFYUI_DEFAULT_MODEL,
      });
      // Connect before queueing, so no event of a fast job is missed.
      const events = await ComfyEvents.connect(call, wsUrl(base, clientId));
      // Newer ComfyUI builds take our id, so even a job whose queueing answer never arrived
      // can be removed; older ones answer with their own.
      const ownId = randomUUID();
      let promptId: string | undefined;
      try {
        promptId = await queuePrompt(call, url('prompt'), graph, clientId, ownId);
        const progress = progressReporter(input.onProgress);
        const refs = (events && (await events.waitForCompletion(promptId, progress))) || (await pollHistory(call, url(`history/${promptId}`), pollIntervalMs));
        const ref = refs[0];
        if (!ref) throw new UpstreamError('bad_output', 'upstream workflow produced no image');
        return await rejectIfBlank(await view(call, url('view'), ref, input.seed));
      } finally {
        events?.close();
        // /history keeps the whole graph, prompt included; a pending job would still run.
        if (promptId || call.signal.aborted) {
          const id = promptId ?? ownId;
          if (call.signal.aborted) void bestEffortPost(url('queue'), { delete: [id] });
          void bestEffortPost(url('history'), { delete: [id] });
        }
      }
    },
  };
}

function wsUrl(base: string, clientId: string): string {
  const ws = new URL(joinUrl(base, 'ws'));
  ws.protocol = ws.protocol === 'https:' ? 'wss:' : 'ws:';
  ws.searchParams.set('clientId', clientId);
  return ws.href;
}

async function queuePrompt(call: UpstreamCall, url: string, graph: ComfyWorkflow, clientId: string, promptId: string): Promise<string> {
  // No Origin header (fetch from Node sends none): ComfyUI refuses a mismatched one on loopback.
  const res = await call.fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ prompt: graph, client_id: clientId, prompt_id: promptId }),
  });
  if (!res.ok) {
    // 400 `{error: {type, message…} | string, node_errors}`: only a listed type is kept.
    const error = field(await call.errorBody(res), 'error');
    throw statusFailure(res, documentedCode(typeof error === 'string' ? error : field(error, 'type'), COMFY_ERROR_TYPES));
  }
  const id = safeToken(field(await call.json(res), 'prompt_id'));
  if (!id) throw new UpstreamError('bad_output', 'upstream queued no prompt_id');
  return id;
}

/** The fallback without a websocket: `{}` until the job is done, then its outputs and status. */
async function pollHistory(call: UpstreamCall, url: string, intervalMs: number): Promise<ComfyImageRef[]> {
  for (;;) {
    const res = await call.fetch(url);
    if (!res.ok) {
      await discard(res);
      throw statusFailure(res, 'history');
    }
    const entry = Object.values((await call.json(res)) ?? {})[0] as unknown;
    if (entry) {
      const status = field(entry, 'status', 'status_str');
      if (status === 'error') throw historyError(field(entry, 'status', 'messages'));
      const outputs = field(entry, 'outputs');
      return Object.values(outputs && typeof outputs === 'object' ? outputs : {}).flatMap(imagesOf);
    }
    await call.sleepOrThrow(intervalMs);
  }
}

function historyError(messages: unknown): UpstreamError {
  const error = Array.isArray(messages) ? messages.find((m) => Array.isArray(m) && m[0] === 'execution_error')?.[1] : undefined;
  return executionError(error);
}

async function view(call: UpstreamCall, url: string, ref: ComfyImageRef, seed: number): Promise<GeneratedImage> {
  const query = new URLSearchParams({ filename: ref.filename, subfolder: ref.subfolder ?? '', type: ref.type ?? 'output' });
  const res = await call.fetch(`${url}?${query}`);
  if (!res.ok) {
    await discard(res);
    throw statusFailure(res, 'view');
  }
  // Content-Disposition names the file; only the bytes are read.
  return imageResult(await call.bytes(res), seed);
}

async function bestEffortPost(url: string, body: unknown): Promise<void> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(CLEANUP_TIMEOUT_MS),
    });
    await discard(res);
  } catch {
    // Cleanup only: the job itself is already decided.
  }
}
