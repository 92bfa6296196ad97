import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { beginRun } from '../../../functions/app/beginRun.ts';
import { fireHook } from '../../../functions/app/fireHook.ts';
import { createHook, getHook } from '../../../functions/app/manageHooks.ts';
import { runStep } from '../../../functions/app/runStep.ts';
import type { Services } from '../../../functions/app/services.ts';
import type { StepActionKind } from '../../../functions/core/job.ts';
import type { StepRecord } from '../../../functions/core/runModel.ts';
import type { Action, ActionInput, StepActions } from '../../../functions/ports/stepActions.ts';
import { hookBody } from '../../support/stack.ts';
import { type InProcessServices, inProcessServices } from './inProcessServices.ts';

/**
 * The step runner (functions/app/runStep.ts) in this process: the step's action comes from
 * `services.stepActions`, and every time it reads is the injected clock's, so the wait for another
 * invocation holding the step ends when the test moves the clock past its limit — no sleeping.
 */
let env: InProcessServices;
/** One invocation of the step function, in seconds (settings.stepFunctionTimeoutSeconds). */
const INVOCATION_SECONDS = 900;

beforeAll(async () => {
  env = await inProcessServices('2030-01-01T00:00:00Z');
  await createHook(env.services, 'steps', 'one', hookBody({ task: { name: 'build', command: ['make'] } }), {
    scopes: ['*'],
  });
});
afterAll(async () => {
  await env?.close();
});

/** The services with these step actions, and a short poll so waiting loops turn quickly. */
function servicesWith(stepActions: StepActions, overrides: Partial<Services> = {}): Services {
  return {
    ...env.services,
    stepActions,
    settings: { ...env.services.settings, stopPollMs: 5, stepFunctionTimeoutSeconds: INVOCATION_SECONDS },
    ...overrides,
  };
}

const noActions: StepActions = {
  actionFor: () => () => Promise.reject(new Error('this step must not run here')),
};

async function startedRun(): Promise<string> {
  const outcome = await fireHook(env.services, {
    hook: await getHook(env.services, 'steps', 'one'),
    firedBy: 'triggerHook',
    payload: {},
  });
  if (outcome.kind !== 'started') throw new Error(`the fire started no run: ${outcome.kind}`);
  await beginRun(env.services, outcome.runId);
  return outcome.runId;
}

/** Another invocation's claim on step 0, started at `startedAt`. */
async function holdStep(runId: string, startedAt: string): Promise<void> {
  await env.services.store.updateStep(runId, 0, { status: 'running', claim: 'other', startedAt });
}

/** A store that tells each time the waiting step runner reads the step (its poll). */
function watchedReads(services: Services): {
  services: Services;
  nextRead: () => Promise<StepRecord | undefined>;
} {
  let waiting: ((step: StepRecord | undefined) => void) | undefined;
  const store = Object.create(services.store) as Services['store'];
  store.getStep = async (runId, index) => {
    const step = await services.store.getStep(runId, index);
    waiting?.(step);
    waiting = undefined;
    return step;
  };
  return {
    services: { ...services, store },
    nextRead: () =>
      new Promise((resolve) => {
        waiting = resolve;
      }),
  };
}

describe('a step another invocation holds', () => {
  it('is waited for while the clock has not passed the holder invocation, then failed as a lost runner', async () => {
    const runId = await startedRun();
    await holdStep(runId, env.clock.now().toISOString());
    const { services, nextRead } = watchedReads(servicesWith(noActions));
    let settled = false;
    const waiting = runStep(services, { runId, index: 0 })
      .catch((error: Error) => error)
      .finally(() => {
        settled = true;
      });
    // Two polls pass with the clock still inside the holder's invocation: still waiting.
    await nextRead();
    env.clock.advance(INVOCATION_SECONDS * 1000 - 1);
    await nextRead();
    expect(settled).toBe(false);
    expect(await env.services.store.getStep(runId, 0)).toMatchObject({ status: 'running', claim: 'other' });

    env.clock.advance(1);
    const result = await waiting;
    // A task is critical: the engine is told to take the skip branch.
    expect(result).toMatchObject({ name: 'Hookline.CriticalStepFailed' });
    const step = await env.services.store.getStep(runId, 0);
    expect(step).toMatchObject({ status: 'failed' });
    expect(step!.reason).toMatch(/StepRunnerLost/);
    expect(step!.finishedAt).toBe(env.clock.now().toISOString());
  });

  it('waits at most one invocation from now, even for a holder whose start lies ahead of this clock', async () => {
    const runId = await startedRun();
    const ahead = new Date(env.clock.now().getTime() + 3600_000).toISOString();
    await holdStep(runId, ahead);
    const { services, nextRead } = watchedReads(servicesWith(noActions));
    const waiting = runStep(services, { runId, index: 0 }).catch((error: Error) => error);
    await nextRead();
    env.clock.advance(INVOCATION_SECONDS * 1000);
    expect(await waiting).toMatchObject({ name: 'Hookline.CriticalStepFailed' });
    expect(await env.services.store.getStep(runId, 0)).toMatchObject({ status: 'failed' });
  });

  it("answers with the holder's outcome once it is recorded, running nothing", async () => {
    const runId = await startedRun();
    await holdStep(runId, env.clock.now().toISOString());
    const { services, nextRead } = watchedReads(servicesWith(noActions));
    const waiting = runStep(services, { runId, index: 0 });
    await nextRead();
    await env.services.store.updateStep(runId, 0, { status: 'succeeded', claim: undefined, exitCode: 0 });
    expect(await waiting).toEqual({ status: 'succeeded' });
  });
});

describe('a step run by this invocation', () => {
  it("runs the action services.stepActions gives for the step's kind, timed on the injected clock", async () => {
    const runId = await startedRun();
    const asked: StepActionKind[] = [];
    const inputs: ActionInput[] = [];
    const action: Action = async (input) => {
      inputs.push(input);
      env.clock.advance(1500);
      return { status: 'succeeded', exitCode: 0, output: { stdout: 'built\n' } };
    };
    const services = servicesWith({
      actionFor: (kind) => {
        asked.push(kind);
        return action;
      },
    });
    const startedAt = env.clock.now().toISOString();

    expect(await runStep(services, { runId, index: 0 })).toEqual({ status: 'succeeded' });

    expect(asked).toEqual(['command']);
    expect(inputs[0]!.env).toMatchObject({ HOOKLINE_RUN_ID: runId, HOOKLINE_STEP_NAME: 'build' });
    expect(await env.services.store.getStep(runId, 0)).toMatchObject({
      status: 'succeeded',
      exitCode: 0,
      attempts: 1,
      startedAt,
      finishedAt: env.clock.now().toISOString(),
      durationMs: 1500,
    });
    expect(await env.services.store.getStepOutput(runId, 0)).toEqual({ stdout: 'built\n' });
  });
});
