/**
 * ComfyUI (providers.md §7): POST /prompt queues, the websocket /ws?clientId= streams `status`,
 * `execution_start`, `progress`×N, `executed`, `executing {node: null}`; /history/{id} is `{}`
 * until done and is written a moment after the websocket says so; /view serves a PNG whose
 * tEXt `prompt` holds the whole graph. Like ComfyUI on loopback, a foreign Origin gets 403.
 */
import { WebSocketServer, type WebSocket } from 'ws';
import { blackPng, pngWithPromptChunks } from '../fixtures/images.js';
import { CANARY, FakeUpstream, isRateScenario, retryAfterHeader, sendBytes, sendJson, trackClose, type Seen } from './upstream.js';

export interface ComfyFakeOptions {
  /** Refuse the websocket upgrade: the adapter must poll /history. */
  noWebSocket?: boolean;
  /** Send no `executed` event: the adapter must read the image refs from /history. */
  noExecutedEvent?: boolean;
  /** End the job with this `execution_error` payload instead of an image. */
  executionError?: { exception_type: string; exception_message: string };
}

export const COMFY_PROMPT_ID = 'cp-1';
const IMAGE_REF = { filename: 'ComfyUI_temp_00001_.png', subfolder: '', type: 'temp' };

interface Client {
  ws: WebSocket;
  seen: Seen;
  done: boolean;
}

export async function startComfyFake(options: ComfyFakeOptions = {}): Promise<FakeUpstream> {
  const image = await pngWithPromptChunks(CANARY);
  const black = await blackPng();
  const clients = new Map<string, Client>();
  const history: Record<string, unknown> = {};
  let historyPolls = 0;

  const fake = await FakeUpstream.start((seen, res, fake) => {
    if (seen.headers.origin) return sendJson(res, 403, {});
    const url = new URL(seen.url, 'http://fake');
    if (seen.method === 'GET' && url.pathname === `/history/${COMFY_PROMPT_ID}`) {
      historyPolls += 1;
      // Without a websocket the job is "done" at the second poll.
      if (options.noWebSocket && historyPolls === 2 && fake.scenario !== 'slow') finishHistory();
      return sendJson(res, 200, history[COMFY_PROMPT_ID] ? { [COMFY_PROMPT_ID]: history[COMFY_PROMPT_ID] } : {});
    }
    if (seen.method === 'GET' && url.pathname === '/view') {
      if (url.searchParams.get('filename') !== IMAGE_REF.filename || url.searchParams.get('type') !== 'temp') return sendJson(res, 404, {});
      return sendBytes(res, 200, fake.scenario === 'safety' ? black : image, 'image/png', { 'content-disposition': `filename="${IMAGE_REF.filename}"` });
    }
    if (seen.method === 'POST' && (url.pathname === '/history' || url.pathname === '/queue')) return sendJson(res, 200, {});
    if (seen.method !== 'POST' || url.pathname !== '/prompt') return sendJson(res, 404, {});

    switch (fake.scenario) {
      case 'success':
      case 'safety':
      case 'slow': {
        const clientId = String(JSON.parse(seen.body.toString()).client_id);
        sendJson(res, 200, { prompt_id: COMFY_PROMPT_ID, number: 1, node_errors: {} });
        const client = clients.get(clientId);
        if (fake.scenario === 'slow') {
          // Started, then stuck: one progress event tells the test the adapter is waiting.
          client?.ws.send(JSON.stringify({ type: 'progress', data: { prompt_id: COMFY_PROMPT_ID, value: 1, max: 4, node: '3' } }));
          return fake.hold(client?.seen ?? seen);
        }
        if (client) runJob(client);
        return;
      }
      case 'unauthorized':
        // ComfyUI has no auth; this is the reverse proxy in front of it.
        return sendJson(res, 401, { error: `unauthorized ${CANARY}` });
      case 'malformed':
        return sendBytes(res, 200, Buffer.from(`{"prompt_id": "${CANARY}`), 'application/json');
      default:
        if (!isRateScenario(fake.scenario)) throw new Error(`unhandled scenario ${fake.scenario}`);
        return sendJson(res, 429, { error: 'rate limited' }, retryAfterHeader(fake.scenario));
    }
  });

  function finishHistory(): void {
    history[COMFY_PROMPT_ID] = options.executionError
      ? { prompt: [1, COMFY_PROMPT_ID, { 6: { inputs: { text: CANARY } } }, {}, []], outputs: {}, status: { status_str: 'error', completed: false, messages: [['execution_error', { prompt_id: COMFY_PROMPT_ID, ...options.executionError }]] } }
      : { prompt: [1, COMFY_PROMPT_ID, { 6: { inputs: { text: CANARY } } }, {}, ['9']], outputs: { 9: { images: [IMAGE_REF] } }, status: { status_str: 'success', completed: true, messages: [] } };
  }

  function runJob(client: Client): void {
    const send = (type: string, data: Record<string, unknown>) => client.ws.send(JSON.stringify({ type, data: { prompt_id: COMFY_PROMPT_ID, ...data } }));
    send('execution_start', {});
    for (let value = 1; value <= 4; value++) send('progress', { value, max: 4, node: '3' });
    // A binary preview frame: event 1 (preview), format 2 (PNG), then bytes.
    client.ws.send(Buffer.concat([Buffer.from([0, 0, 0, 1, 0, 0, 0, 2]), black]), { binary: true });
    if (options.executionError) {
      client.done = true;
      send('execution_error', { node_id: '3', node_type: 'KSampler', traceback: [CANARY], ...options.executionError });
      finishHistory();
      return;
    }
    if (!options.noExecutedEvent) send('executed', { node: '9', display_node: '9', output: { images: [IMAGE_REF] } });
    client.done = true;
    send('executing', { node: null, display_node: null });
    // ComfyUI writes the history entry only after announcing the end.
    setTimeout(finishHistory, 20);
  }

  const wss = new WebSocketServer({ noServer: true });
  fake.server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    if (options.noWebSocket || url.pathname !== '/ws' || req.headers.origin) {
      socket.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const client: Client = {
        ws,
        done: false,
        seen: trackClose({ method: 'GET', url: req.url ?? '', headers: req.headers, body: Buffer.alloc(0) }, (markAborted) =>
          ws.on('close', () => { if (!client.done) markAborted(); })),
      };
      fake.seen.push(client.seen);
      clients.set(url.searchParams.get('clientId') ?? '', client);
      ws.send(JSON.stringify({ type: 'status', data: { status: { exec_info: { queue_remaining: 0 } }, sid: url.searchParams.get('clientId') } }));
    });
  });
  const close = fake.close.bind(fake);
  fake.close = async () => {
    for (const ws of wss.clients) ws.terminate();
    await close();
  };
  return fake;
}
