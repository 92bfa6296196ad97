import { describe, expect, it } from 'vitest';
import { sseEvents } from '../../cli/runEvents.ts';

/** The text/event-stream parser the run followers read with (cli/runEvents.ts). */
describe('sseEvents', () => {
  it('parses ids, event names, multi-line data and comments, across chunk boundaries', async () => {
    const text =
      ': keepalive\n\nid: 1\nevent: run\ndata: {"a":\ndata: 1}\n\nid: 2\nevent: output\ndata: {}\n\n';
    const bytes = new TextEncoder().encode(text);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 7) controller.enqueue(bytes.subarray(i, i + 7));
        controller.close();
      },
    });
    const events = [];
    for await (const event of sseEvents(body)) events.push(event);
    expect(events).toEqual([
      { id: '1', event: 'run', data: '{"a":\n1}' },
      { id: '2', event: 'output', data: '{}' },
    ]);
  });
});
