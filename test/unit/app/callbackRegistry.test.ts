import { describe, expect, it } from 'vitest';
import { memoryLogger } from '../../../functions/adapters/jsonLogger.ts';
import { CallbackRegistry } from '../../../functions/app/callbackRegistry.ts';

/** In-process callbacks for an embedded Hookline (functions/app/callbackRegistry.ts). */
function registry() {
  const logs = memoryLogger();
  return { callbacks: new CallbackRegistry(logs), logs };
}

describe('CallbackRegistry', () => {
  it('calls the callbacks of an event with the payload and the event name, and collects their values', async () => {
    const { callbacks } = registry();
    const seen: unknown[] = [];
    callbacks.on('run-finished', (payload, name) => {
      seen.push([payload, name]);
      return 'a';
    });
    callbacks.on('run-finished', async () => 'b');
    callbacks.on('other', () => 'not me');
    expect(await callbacks.call('run-finished', { runId: 'r1' })).toEqual(['a', 'b']);
    expect(seen).toEqual([[{ runId: 'r1' }, 'run-finished']]);
  });

  it('runs higher priorities first, equal priorities in the order they were added', async () => {
    const { callbacks } = registry();
    const order: string[] = [];
    const add = (name: string, priority?: number) =>
      callbacks.on('e', () => order.push(name), priority === undefined ? {} : { priority });
    add('default-1');
    add('low', -5);
    add('high', 10);
    add('default-2');
    add('high-2', 10);
    await callbacks.emit('e');
    expect(order).toEqual(['high', 'high-2', 'default-1', 'default-2', 'low']);
  });

  it("gives '*' every event, ordered with the event's own callbacks by priority", async () => {
    const { callbacks } = registry();
    const order: string[] = [];
    callbacks.on('*', (_payload, name) => order.push(`all:${name}`), { priority: 1 });
    callbacks.on('a', () => order.push('a'));
    callbacks.on('a', () => order.push('a-first'), { priority: 2 });
    await callbacks.emit('a');
    await callbacks.emit('b');
    expect(order).toEqual(['a-first', 'all:a', 'a', 'all:b']);
  });

  it("calls a '*' callback once when '*' itself is emitted", async () => {
    const { callbacks } = registry();
    let calls = 0;
    callbacks.on('*', () => calls++);
    await callbacks.emit('*');
    expect(calls).toBe(1);
  });

  it('isolates a callback that throws: it is logged with the event, the others still run', async () => {
    const { callbacks, logs } = registry();
    callbacks.on('e', () => 'before', { priority: 2 });
    callbacks.on(
      'e',
      () => {
        throw new Error('broken callback');
      },
      { priority: 1 },
    );
    callbacks.on('e', async () => Promise.reject(new Error('broken async callback')));
    callbacks.on('e', () => 'after', { priority: -1 });
    expect(await callbacks.call('e')).toEqual(['before', 'after']);
    expect(logs.lines.map((l) => [l.level, l.message, l.fields?.event])).toEqual([
      ['error', 'callback failed', 'e'],
      ['error', 'callback failed', 'e'],
    ]);
    expect(String(logs.lines[0]!.fields?.error)).toContain('broken callback');
    expect(String(logs.lines[1]!.fields?.error)).toContain('broken async callback');
  });

  it('removes a callback with off or with the function on returned; removing twice says it was not there', async () => {
    const { callbacks } = registry();
    const kept = () => 'kept';
    const dropped = () => 'dropped';
    const alsoDropped = () => 'also dropped';
    callbacks.on('e', kept);
    callbacks.on('e', dropped);
    const remove = callbacks.on('e', alsoDropped);
    expect(callbacks.off('e', dropped)).toBe(true);
    expect(remove()).toBe(true);
    expect(callbacks.off('e', dropped)).toBe(false);
    expect(callbacks.off('never-registered', kept)).toBe(false);
    expect(await callbacks.call('e')).toEqual(['kept']);
  });

  it('answers an event nobody listens to with no values', async () => {
    const { callbacks } = registry();
    expect(await callbacks.call('silence')).toEqual([]);
    await expect(callbacks.emit('silence', { x: 1 })).resolves.toBeUndefined();
  });
});
