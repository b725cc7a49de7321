import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_COMFY_WORKFLOW, createComfyUIProvider, fillWorkflow, parseComfyWorkflow, type ComfyUIConfig } from '../../../api/providers/comfyui.js';
import { COMFY_PROMPT_ID, startComfyFake, type ComfyFakeOptions } from './fakes/comfyui.js';
import { expectFailure, generateInput, providerContract } from './fakes/contract.js';
import { CANARY, type FakeUpstream } from './fakes/upstream.js';

providerContract({
  name: 'comfyui',
  start: () => startComfyFake(),
  create: (fake, timeoutMs) => createComfyUIProvider({ baseUrl: fake.url, timeoutMs, pollIntervalMs: 5 }),
  success: (image) => expect(image.mimeType).toBe('image/png'),
});

describe('comfyui adapter', () => {
  let fake: FakeUpstream | undefined;
  afterEach(async () => { await fake?.close(); });

  async function run(options: ComfyFakeOptions = {}, config: ComfyUIConfig = {}, onProgress?: (p: number) => void) {
    fake = await startComfyFake(options);
    return createComfyUIProvider({ baseUrl: fake.url, pollIntervalMs: 5, ...config }).generate(generateInput(undefined, { width: 1280, height: 720, onProgress }));
  }

  it('queues the filled workflow with its client id, follows the websocket, fetches /view, then deletes the history', async () => {
    const progress: number[] = [];
    const image = await run({}, { model: 'flux.safetensors' }, (p) => progress.push(p));
    expect(image.mimeType).toBe('image/png');
    expect(progress).toEqual([25, 50, 75, 100]);

    const socket = fake!.requests('/ws?')[0]!;
    const queued = fake!.requests('/prompt')[0]!;
    const body = JSON.parse(queued.body.toString());
    expect(socket.url).toBe(`/ws?clientId=${body.client_id}`);
    expect(body.prompt_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(socket.headers.origin).toBeUndefined();
    expect(queued.headers.origin).toBeUndefined();
    expect(body.prompt['6'].inputs.text).toBe(CANARY);
    expect(body.prompt['7'].inputs.text).toBe('blurry');
    expect(body.prompt['3'].inputs.seed).toBe(1234);
    expect(body.prompt['5'].inputs).toEqual({ width: 1280, height: 720, batch_size: 1 });
    expect(body.prompt['4'].inputs.ckpt_name).toBe('flux.safetensors');
    expect(fake!.requests('/view')[0]!.url).toBe('/view?filename=ComfyUI_temp_00001_.png&subfolder=&type=temp');
    await expect.poll(() => fake!.requests('/history').filter((s) => s.method === 'POST').map((s) => JSON.parse(s.body.toString())))
      .toEqual([{ delete: [COMFY_PROMPT_ID] }]);
  });

  it('reads the image refs from /history when the websocket named none (history written late)', async () => {
    const image = await run({ noExecutedEvent: true });
    expect(image.mimeType).toBe('image/png');
    expect(fake!.requests(`/history/${COMFY_PROMPT_ID}`).length).toBeGreaterThanOrEqual(1);
  });

  it('polls /history when the websocket is refused', async () => {
    const image = await run({ noWebSocket: true });
    expect(image.mimeType).toBe('image/png');
    expect(fake!.requests(`/history/${COMFY_PROMPT_ID}`)).toHaveLength(2);
  });

  it.each([
    ['websocket', {}],
    ['history', { noWebSocket: true }],
  ] as const)('maps an execution_error (%s) to an error naming only the exception type', async (_label, extra) => {
    const err = await expectFailure(run({ ...extra, executionError: { exception_type: 'torch.OutOfMemoryError', exception_message: `OOM on ${CANARY}` } }), 'error');
    expect(err.detail).toBe('upstream execution_error torch.OutOfMemoryError');
  });

  it('maps a safety node refusing the prompt to rejected', async () => {
    await expectFailure(run({ executionError: { exception_type: 'Exception', exception_message: 'NSFW content detected' } }), 'rejected');
  });

  it('removes a queued job from the queue when the visitor leaves', async () => {
    fake = await startComfyFake();
    fake.scenario = 'slow';
    const controller = new AbortController();
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const result = createComfyUIProvider({ baseUrl: fake.url }).generate(generateInput(controller.signal, { onProgress: () => started() }));
    await running;
    controller.abort(new Error('client disconnected'));
    await expectFailure(result, 'error');
    await expect.poll(() => fake!.requests('/queue').map((s) => JSON.parse(s.body.toString()))).toEqual([{ delete: [COMFY_PROMPT_ID] }]);
  });
});

describe('comfyui workflow templates', () => {
  it('fills placeholders in the parsed graph, so quotes in the prompt cannot break out', () => {
    const template = parseComfyWorkflow(JSON.stringify({
      1: { class_type: 'CLIPTextEncode', inputs: { text: 'photo of {{prompt}}, 4k' } },
      2: { class_type: 'EmptyLatentImage', inputs: { width: '{{width}}', height: '{{height}}', note: 'seed {{seed}}' } },
      3: { class_type: 'KSampler', inputs: { seed: '{{seed}}', other: '{{unknown}}', list: ['{{negative_prompt}}', 0] } },
    }));
    const prompt = 'a "quoted" }, {"evil": true} prompt';
    const graph = fillWorkflow(template, { prompt, negative_prompt: 'ugly', seed: 42, width: 832, height: 1248, model: 'm' });
    expect(graph).toEqual({
      1: { class_type: 'CLIPTextEncode', inputs: { text: `photo of ${prompt}, 4k` } },
      2: { class_type: 'EmptyLatentImage', inputs: { width: 832, height: 1248, note: 'seed 42' } },
      3: { class_type: 'KSampler', inputs: { seed: 42, other: '{{unknown}}', list: ['ugly', 0] } },
    });
  });

  it('leaves the template itself untouched', () => {
    const before = JSON.stringify(DEFAULT_COMFY_WORKFLOW);
    fillWorkflow(DEFAULT_COMFY_WORKFLOW, { prompt: 'x', negative_prompt: '', seed: 1, width: 2, height: 3, model: 'm' });
    expect(JSON.stringify(DEFAULT_COMFY_WORKFLOW)).toBe(before);
  });

  it.each([
    ['{not json', 'is not valid JSON'],
    ['[1, 2]', 'must be a JSON object'],
    ['{"1": {"inputs": {}}}', 'API format'],
    ['{"1": {"class_type": "X", "inputs": {"text": "no placeholder"}}}', 'no {{prompt}}'],
  ])('refuses %s', (json, message) => {
    expect(() => parseComfyWorkflow(json)).toThrow(message);
  });
});
