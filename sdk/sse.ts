/** One dispatched server-sent event. */
export interface ServerSentEvent {
  event: string;
  data: string;
}

const LINE_BREAK = /[\r\n]/g;

/**
 * Parses a `text/event-stream` body as the HTML standard describes it: `\n`, `\r\n` or `\r` line
 * ends, multi-line `data`, comments and unknown fields ignored, an unterminated last event
 * dropped. Written by hand because `EventSource` can neither POST nor send our session header.
 */
export async function* parseEventStream(body: ReadableStream<Uint8Array>): AsyncGenerator<ServerSentEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  // Where the search for the next line break resumes: a multi-megabyte result line arrives in
  // many chunks and must not be rescanned from its start each time.
  let scanned = 0;
  let event = '';
  let data: string[] = [];
  let done = false;
  try {
    while (!done) {
      const chunk = await reader.read();
      done = chunk.done;
      // The last read has no value: decoding it without `stream` flushes what the decoder holds.
      buffer += decoder.decode(chunk.value, { stream: !done });
      for (;;) {
        LINE_BREAK.lastIndex = scanned;
        const match = LINE_BREAK.exec(buffer);
        if (match === null) {
          scanned = buffer.length;
          break;
        }
        const end = match.index;
        // A final '\r' may be the first half of a '\r\n' split across chunks.
        if (buffer[end] === '\r' && end + 1 === buffer.length && !done) {
          scanned = end;
          break;
        }
        const line = buffer.slice(0, end);
        buffer = buffer.slice(buffer[end] === '\r' && buffer[end + 1] === '\n' ? end + 2 : end + 1);
        scanned = 0;
        if (line === '') {
          if (data.length > 0) yield { event: event || 'message', data: data.join('\n') };
          event = '';
          data = [];
        } else if (!line.startsWith(':')) {
          const colon = line.indexOf(':');
          const field = colon === -1 ? line : line.slice(0, colon);
          const value = colon === -1 ? '' : line.slice(line[colon + 1] === ' ' ? colon + 2 : colon + 1);
          if (field === 'event') event = value;
          else if (field === 'data') data.push(value);
        }
      }
    }
  } finally {
    // An early exit (break, throw, abort) must close the connection so the server sees the disconnect.
    if (!done) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}
