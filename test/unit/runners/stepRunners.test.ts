import { describe, expect, it } from 'vitest';
import { planSteps } from '../../../functions/core/jobFlow.ts';
import type { Step } from '../../../functions/core/job.ts';
import type { BusEvent } from '../../../functions/ports/bus.ts';
import type { CommandRequest } from '../../../functions/ports/commandRunner.ts';
import type { ActionInput, StepActionContext } from '../../../functions/ports/stepActions.ts';
import { stepRunners } from '../../../functions/runners/stepRunners.ts';

/**
 * The step actions both stacks give `Services.stepActions` (functions/runners/stepRunners.ts): each
 * kind of step reaches the world only through the port of the context it is given.
 */

function inputFor(step: Step): ActionInput {
  return {
    planned: planSteps({ task: step })[0]!,
    env: { HOOKLINE_RUN_ID: 'r' },
    document: { run: { runId: 'r' } },
    signal: new AbortController().signal,
    timeoutMs: 5000,
    outputLimitBytes: 1024,
  };
}

function recordingContext(chainDepth = 0) {
  const commands: CommandRequest[] = [];
  const invoked: Array<{ functionName: string; payload: unknown }> = [];
  const events: BusEvent[] = [];
  const context: StepActionContext = {
    commands: {
      run: async (request) => {
        commands.push(request);
        return { status: 'succeeded', exitCode: 0, output: { stdout: 'ok' } };
      },
    },
    invoker: {
      invoke: async (functionName, payload) => {
        invoked.push({ functionName, payload });
        return { ok: true, payload: { answer: 42 } };
      },
    },
    bus: {
      put: async (put) => {
        events.push(...put);
      },
    },
    chainDepth,
  };
  return { context, commands, invoked, events };
}

describe('the step actions', () => {
  it('a command step goes to the command runner with its environment and stdin document', async () => {
    const { context, commands, invoked, events } = recordingContext();
    const input = inputFor({ name: 'build', command: ['make', 'all'] });
    const outcome = await stepRunners.actionFor('command', context)(input);
    expect(outcome).toMatchObject({ status: 'succeeded', exitCode: 0 });
    expect(commands).toEqual([
      expect.objectContaining({
        command: ['make', 'all'],
        env: { HOOKLINE_RUN_ID: 'r' },
        stdin: JSON.stringify(input.document),
        timeoutMs: 5000,
      }),
    ]);
    expect([invoked, events]).toEqual([[], []]);
  });

  it('a lambda step goes to the invoker, the step document as payload when it gives none', async () => {
    const { context, commands, invoked } = recordingContext();
    const input = inputFor({ name: 'call', lambda: { functionName: 'fn' } });
    const outcome = await stepRunners.actionFor('lambda', context)(input);
    expect(outcome).toMatchObject({ status: 'succeeded', output: { data: { answer: 42 } } });
    expect(invoked).toEqual([{ functionName: 'fn', payload: input.document }]);
    expect(commands).toEqual([]);
  });

  it('an event step goes to the bus, one link further down the chain of lifecycle events', async () => {
    const { context, events } = recordingContext(2);
    const outcome = await stepRunners.actionFor(
      'event',
      context,
    )(inputFor({ name: 'tell', event: { source: 'ci', detailType: 'built', detail: { ok: true } } }));
    expect(outcome).toMatchObject({ status: 'succeeded' });
    expect(events).toEqual([{ source: 'ci', detailType: 'built', detail: { ok: true, chainDepth: 3 } }]);
  });
});
