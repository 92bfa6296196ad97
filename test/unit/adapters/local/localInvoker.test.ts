import { describe, expect, it } from 'vitest';
import { LocalInvoker } from '../../../../functions/adapters/local/localInvoker.ts';

/** `lambda` steps locally (functions/adapters/local/localInvoker.ts): registered functions by name or ARN. */
describe('LocalInvoker', () => {
  it('invokes a registered function by name or by an ARN ending in its name, with a copy of the payload', async () => {
    const invoker = new LocalInvoker();
    const seen: unknown[] = [];
    invoker.register('build', (payload) => {
      seen.push(payload);
      (payload as { n: number }).n = 99; // a function cannot change the caller's payload
      return { built: true };
    });
    const payload = { n: 1 };
    expect(await invoker.invoke('build', payload, 1000)).toEqual({ ok: true, payload: { built: true } });
    expect(
      await invoker.invoke('arn:aws:lambda:eu-west-1:123456789012:function:build', payload, 1000),
    ).toEqual({
      ok: true,
      payload: { built: true },
    });
    expect(payload).toEqual({ n: 1 });
    expect(seen).toEqual([{ n: 99 }, { n: 99 }]);
  });

  it('a function that returns nothing answers null', async () => {
    const invoker = new LocalInvoker();
    invoker.register('quiet', () => undefined);
    expect(await invoker.invoke('quiet', {}, 1000)).toEqual({ ok: true, payload: null });
  });

  it('an unknown name says which are registered and how to register one', async () => {
    const invoker = new LocalInvoker();
    expect((await invoker.invoke('x', {}, 1000)).error).toEqual({
      message:
        'no local function named "x" is registered with the local stack (none are registered; register one with stack.registerFunction(name, fn))',
      type: 'ResourceNotFoundException',
    });
    invoker.register('a', () => 1);
    invoker.register('b', () => 2);
    invoker.unregister('b');
    expect((await invoker.invoke('b', {}, 1000)).error!.message).toContain('(registered: a;');
  });

  it('a throwing function fails with its message and error name; a slow one times out', async () => {
    const invoker = new LocalInvoker();
    invoker.register('throws', () => {
      throw new RangeError('out of range');
    });
    invoker.register('slow', () => new Promise(() => undefined));
    expect(await invoker.invoke('throws', {}, 1000)).toEqual({
      ok: false,
      payload: null,
      error: { message: 'out of range', type: 'RangeError' },
    });
    expect(await invoker.invoke('slow', {}, 50)).toEqual({
      ok: false,
      payload: null,
      error: { message: 'timed out after 0.05 s', type: 'TimeoutError' },
    });
  });
});
