import type { Invoker, InvokeResult } from '../../ports/invoker.ts';

/** `lambda` steps locally: functions registered with the local stack by name or ARN. */
export type LocalFunction = (payload: unknown) => Promise<unknown> | unknown;

export class LocalInvoker implements Invoker {
  private readonly functions = new Map<string, LocalFunction>();

  register(name: string, fn: LocalFunction): void {
    this.functions.set(name, fn);
  }

  unregister(name: string): void {
    this.functions.delete(name);
  }

  async invoke(functionName: string, payload: unknown, timeoutMs: number): Promise<InvokeResult> {
    const fn = this.functions.get(functionName) ?? this.functions.get(functionName.split(':').at(-1) ?? '');
    if (!fn) {
      const known = [...this.functions.keys()];
      return {
        ok: false,
        payload: null,
        error: {
          message: `no local function named "${functionName}" is registered with the local stack (${known.length ? `registered: ${known.join(', ')}` : 'none are registered'}; register one with stack.registerFunction(name, fn))`,
          type: 'ResourceNotFoundException',
        },
      };
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      const result = await Promise.race([
        Promise.resolve().then(() => fn(structuredClone(payload))),
        new Promise((_, reject) => {
          timer = setTimeout(
            () =>
              reject(
                Object.assign(new Error(`timed out after ${timeoutMs / 1000} s`), { name: 'TimeoutError' }),
              ),
            timeoutMs,
          );
        }),
      ]);
      return { ok: true, payload: result ?? null };
    } catch (error) {
      const e = error as Error;
      return { ok: false, payload: null, error: { message: e.message, type: e.name } };
    } finally {
      clearTimeout(timer);
    }
  }
}
