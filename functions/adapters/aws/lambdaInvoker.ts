import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { Invoker, InvokeResult } from '../../ports/invoker.ts';

/** `lambda` steps in the cloud: a synchronous Invoke with the step's JSON payload. */
export class LambdaInvoker implements Invoker {
  constructor(private readonly client: LambdaClient = new LambdaClient({})) {}

  async invoke(functionName: string, payload: unknown, timeoutMs: number): Promise<InvokeResult> {
    const out = await this.client.send(
      new InvokeCommand({ FunctionName: functionName, Payload: Buffer.from(JSON.stringify(payload ?? {})) }),
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
