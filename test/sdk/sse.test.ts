import { describe, expect, it } from 'vitest';
import { parseEventStream, type ServerSentEvent } from '../../sdk/sse.js';

function streamOf(chunks: (string | Uint8Array)[]): { stream: ReadableStream<Uint8Array>; cancelled: () => boolean } {
  let cancelled = false;
  let index = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = chunks[index++];
      if (chunk === undefined) controller.close();
      else controller.enqueue(typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk);
    },
    cancel() {
      cancelled = true;
    },
  });
  return { stream, cancelled: () => cancelled };
}

async function collect(chunks: (string | Uint8Array)[]): Promise<ServerSentEvent[]> {
  const events: ServerSentEvent[] = [];
  for await (const event of parseEventStream(streamOf(chunks).stream)) events.push(event);
  return events;
}

const wire = 'event: progress\ndata: {"elapsedMs":0}\n\n: keep-alive comment\n\nevent: result\ndata: {"a":1,\ndata: "b":"é"}\n\n';
const expected = [
  { event: 'progress', data: '{"elapsedMs":0}' },
  { event: 'result', data: '{"a":1,\n"b":"é"}' },
];

describe('parseEventStream', () => {
  it('reads events, joins multi-line data and skips comments', async () => {
    expect(await collect([wire])).toEqual(expected);
  });

  it('gives the same events however the bytes are split, even inside a UTF-8 character', async () => {
    const bytes = new TextEncoder().encode(wire);
    for (let cut = 1; cut < bytes.length; cut += 1) {
      expect(await collect([bytes.slice(0, cut), bytes.slice(cut)]), `cut at byte ${cut}`).toEqual(expected);
    }
  });

  it('accepts CRLF and CR line ends, also when a CRLF is split across chunks', async () => {
    expect(await collect(['event: a\r', '\ndata: 1\r\n\r', '\nevent: b\rdata: 2\r\r'])).toEqual([
      { event: 'a', data: '1' },
      { event: 'b', data: '2' },
    ]);
  });

  it('names events without an event field "message" and drops an unterminated last event', async () => {
    expect(await collect(['data: x\n\n', 'event: result\ndata: cut off'])).toEqual([{ event: 'message', data: 'x' }]);
  });

  it('ignores unknown fields and keeps a value without the optional space', async () => {
    expect(await collect(['id: 7\nretry: 10\nevent:progress\ndata:{"v":1}\n\n'])).toEqual([
      { event: 'progress', data: '{"v":1}' },
    ]);
  });

  it('cancels the body when the consumer stops early, so the connection closes', async () => {
    const { stream, cancelled } = streamOf(['data: 1\n\n', 'data: 2\n\n', 'data: 3\n\n']);
    for await (const event of parseEventStream(stream)) {
      expect(event.data).toBe('1');
      break;
    }
    expect(cancelled()).toBe(true);
  });
});
