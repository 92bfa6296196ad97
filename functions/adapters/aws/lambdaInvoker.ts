import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { Invoker, InvokeResult } from '../../ports/invoker.ts';

/**
 * `lambda` steps in the cloud: a synchronous Invoke with the step's JSON payload. The Lambda client
 * is imported on the first invoke, so functions that never run a `lambda` step never load it.
 */
export class LambdaInvoker implements Invoker {
  constructor(private client?: LambdaClient) {}

  async invoke(functionName: string, payload: unknown, timeoutMs: number): Promise<InvokeResult> {
    const sdk = await import('@aws-sdk/client-lambda');
    this.client ??= new sdk.LambdaClient({});
    const out = await this.client.send(
      new sdk.InvokeCommand({
        FunctionName: functionName,
        Payload: Buffer.from(JSON.stringify(payload ?? {})),
      }),
      { abortSignal: AbortSignal.timeout(timeoutMs) },
    );
    const text = out.Payload ? Buffer.from(out.Payload).toString('utf8') : '';
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: keep the text
    }
    if (out.FunctionError) {
      const err = (parsed ?? {}) as { errorMessage?: string; errorType?: string };
      return {
        ok: false,
        payload: parsed,
        error: { message: err.errorMessage ?? out.FunctionError, type: err.errorType },
      };
    }
    return { ok: true, payload: parsed };
  }
}
