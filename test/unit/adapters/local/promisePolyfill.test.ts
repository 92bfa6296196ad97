import { afterEach, describe, expect, it } from 'vitest';
import '../../../../functions/adapters/local/promisePolyfill.ts';

/**
 * Promise.withResolvers on Node 20 (functions/adapters/local/promisePolyfill.ts), which
 * aws-local-stepfunctions calls: present after the import, settling its promise both ways, and a
 * runtime's own (Node 22) left in place.
 */
type WithResolvers = <T>() => {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (reason?: unknown) => void;
};
const promiseConstructor = Promise as unknown as { withResolvers?: WithResolvers };
const installed = promiseConstructor.withResolvers;

afterEach(() => {
  promiseConstructor.withResolvers = installed;
});

/** Evaluates the module again (a fresh module id), as a process importing it first would. */
async function evaluateAgain(tag: string): Promise<void> {
  const url = new URL('../../../../functions/adapters/local/promisePolyfill.ts', import.meta.url);
  await import(/* @vite-ignore */ `${url.pathname}?evaluation=${tag}`);
}

describe('Promise.withResolvers', () => {
  it('exists once the module is imported', () => {
    expect(typeof promiseConstructor.withResolvers).toBe('function');
  });

  it('gives a promise that its resolve settles with the value', async () => {
    const { promise, resolve } = promiseConstructor.withResolvers!<string>();
    resolve('done');
    await expect(promise).resolves.toBe('done');
  });

  it('gives a promise that its reject settles with the reason', async () => {
    const { promise, reject } = promiseConstructor.withResolvers!<string>();
    reject(new Error('refused'));
    await expect(promise).rejects.toThrow('refused');
  });

  it('gives each call its own promise', async () => {
    const first = promiseConstructor.withResolvers!<number>();
    const second = promiseConstructor.withResolvers!<number>();
    expect(first.promise).not.toBe(second.promise);
    second.resolve(2);
    first.resolve(1);
    expect(await Promise.all([first.promise, second.promise])).toEqual([1, 2]);
  });

  it('is installed where the runtime lacks it', async () => {
    delete promiseConstructor.withResolvers;
    await evaluateAgain('missing');
    expect(typeof promiseConstructor.withResolvers).toBe('function');
    const { promise, resolve } = promiseConstructor.withResolvers!<number>();
    resolve(7);
    expect(await promise).toBe(7);
  });

  it("leaves the runtime's own in place", async () => {
    const own: WithResolvers = () => {
      throw new Error('the runtime’s own');
    };
    promiseConstructor.withResolvers = own;
    await evaluateAgain('present');
    expect(promiseConstructor.withResolvers).toBe(own);
  });
});
