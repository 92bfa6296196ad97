import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hookBody, startTestStack, type TestStack } from '../support/stack.ts';

/** State transitions per run, counted from the engine's event history (StateEntered events). */
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ dataDir: null });
});
afterAll(async () => {
  await stack.cleanup();
});

const step = (name: string) => ({ name, command: ['true'] });

async function transitionsFor(job: Record<string, unknown>, hookId: string): Promise<number> {
  await stack.api('PUT', `/hooks/transitions/${hookId}`, hookBody(job));
  const fired = await stack.api<{ runId: string }>('POST', `/hooks/transitions/${hookId}/trigger`, {});
  await stack.waitForRunFinished(fired.body.runId);
  await stack.waitForRun(fired.body.runId);
  return stack.executions.transitionsOf(fired.body.runId)!;
}

describe('state transitions per run', () => {
  it('the reference job (2 pre-hooks, 1 task, 2 post-hooks) stays at or under 14', async () => {
    const n = await transitionsFor(
      { preHooks: [step('p1'), step('p2')], task: step('t'), postHooks: [step('q1'), step('q2')] },
      'reference',
    );
    expect(n).toBeLessThanOrEqual(14);
    expect(n).toBe(11);
  });

  it('costs at most 2 per step plus a small fixed number', async () => {
    const one = await transitionsFor({ task: step('t') }, 'one');
    const ten = await transitionsFor({ tasks: Array.from({ length: 10 }, (_, i) => step(`t${i}`)) }, 'ten');
    expect(ten - one).toBeLessThanOrEqual(2 * 9);
    expect(one).toBeLessThanOrEqual(8);
  });

  it('the skip branch costs one more transition', async () => {
    const n = await transitionsFor(
      {
        preHooks: [{ name: 'p1', command: ['false'], critical: true }, step('p2')],
        task: step('t'),
        postHooks: [step('q1'), step('q2')],
      },
      'skip',
    );
    expect(n).toBeLessThanOrEqual(14);
  });
});
