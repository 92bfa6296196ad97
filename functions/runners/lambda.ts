import { boundText } from '../core/outputBounds.ts';
import type { Invoker } from '../ports/invoker.ts';
import type { Action } from './action.ts';

/** The `lambda` action: invokes a function with a JSON payload through the Invoker port. */
export function lambdaAction(invoker: Invoker): Action {
  return async (input) => {
    const { functionName, payload } = input.planned.step.lambda!;
    const result = await invoker.invoke(functionName, payload ?? input.document, input.timeoutMs);
    const body = boundText(JSON.stringify(result.payload ?? null), input.outputLimitBytes);
    const output = { body: body.text, truncated: body.truncated, data: result.payload };
    if (result.ok) return { status: 'succeeded', output };
    return {
      status: 'failed',
      output,
      error: { message: result.error?.message ?? 'the function failed', type: result.error?.type },
    };
  };
}
