import { describe, expect, it } from 'vitest';
import type { Invoker } from '../../../functions/ports/invoker.ts';
import { lambdaAction } from '../../../functions/runners/lambda.ts';
import { actionInput } from './actionInput.ts';

/** The `lambda` action (functions/runners/lambda.ts) over the Invoker port. */
describe('lambdaAction', () => {
  const recording = (result: Awaited<ReturnType<Invoker['invoke']>>) => {
    const calls: unknown[][] = [];
    const invoker: Invoker = {
      invoke: async (...args) => {
        calls.push(args);
        return result;
      },
    };
    return { invoker, calls };
  };

  it('invokes with the step’s payload, or the stdin document without one, and keeps the answer', async () => {
    const { invoker, calls } = recording({ ok: true, payload: { built: 3 } });
    const withPayload = await lambdaAction(invoker)(
      actionInput({ name: 'l', lambda: { functionName: 'build', payload: { branch: 'main' } } }),
    );
    expect(withPayload).toEqual({
      status: 'succeeded',
      output: { body: '{"built":3}', truncated: false, data: { built: 3 } },
    });
    await lambdaAction(invoker)(actionInput({ name: 'l', lambda: { functionName: 'build' } }));
    expect(calls).toEqual([
      ['build', { branch: 'main' }, 10_000],
      ['build', { payload: { n: 1 }, hook: { hookId: 'h' } }, 10_000],
    ]);
  });

  it('a payload larger than the output limit is cut and its value not kept', async () => {
    const { invoker } = recording({ ok: true, payload: { text: 'x'.repeat(5000) } });
    const outcome = await lambdaAction(invoker)(actionInput({ name: 'l', lambda: { functionName: 'f' } }));
    expect(outcome.status).toBe('succeeded');
    expect(outcome.output.truncated).toBe(true);
    expect(outcome.output.body!.length).toBeLessThanOrEqual(1100);
    expect('data' in outcome.output).toBe(false);
  });

  it('a function error fails the step with its message (bounded) and type', async () => {
    const { invoker } = recording({
      ok: false,
      payload: { errorMessage: 'boom' },
      error: { message: `boom ${'y'.repeat(10_000)}`, type: 'Runtime.Error' },
    });
    const outcome = await lambdaAction(invoker)(actionInput({ name: 'l', lambda: { functionName: 'f' } }));
    expect(outcome.status).toBe('failed');
    expect(outcome.error!.type).toBe('Runtime.Error');
    expect(outcome.error!.message.startsWith('boom')).toBe(true);
    expect(Buffer.byteLength(outcome.error!.message)).toBeLessThan(4200);
    const { invoker: bare } = recording({ ok: false, payload: null });
    expect(
      (await lambdaAction(bare)(actionInput({ name: 'l', lambda: { functionName: 'f' } }))).error,
    ).toEqual({
      message: 'the function failed',
      type: undefined,
    });
  });
});
