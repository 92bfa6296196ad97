/** Invokes a function for `lambda` steps (AWS Lambda in the cloud; functions registered with the local stack). */
export interface InvokeResult {
  ok: boolean;
  payload: unknown;
  error?: { message: string; type?: string };
}

export interface Invoker {
  invoke(functionName: string, payload: unknown, timeoutMs: number): Promise<InvokeResult>;
}
