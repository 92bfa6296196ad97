import { boundResult, boundText } from '../core/outputBounds.ts';
import type { Invoker } from '../ports/invoker.ts';
import type { Action } from '../ports/stepActions.ts';

/** A function's error message is kept to this many bytes (head and tail). */
const ERROR_MESSAGE_LIMIT_BYTES = 4096;

/** The `lambda` action: invokes a function with a JSON payload through the Invoker port. */
export function lambdaAction(invoker: Invoker): Action {
  return async (input) => {
    const { functionName, payload } = input.planned.step.lambda!;
    const result = await invoker.invoke(functionName, payload ?? input.document, input.timeoutMs);
    // The payload is kept like stdout (head and tail, the cut said); the value only when it fits whole.
    const bounded = boundResult(result.payload, input.outputLimitBytes);
    const output = {
      body: bounded.text,
      truncated: bounded.truncated,
      ...('data' in bounded ? { data: bounded.data } : {}),
    };
    if (result.ok) return { status: 'succeeded', output };
    const message = boundText(result.error?.message ?? 'the function failed', ERROR_MESSAGE_LIMIT_BYTES).text;
    return {
      status: 'failed',
      output,
      error: { message, type: result.error?.type?.slice(0, 256) },
    };
  };
}
