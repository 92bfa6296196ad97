import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStepHandler } from '../../../functions/handlers/step.ts';
import { firedRun } from '../app/firedRun.ts';
import { type InProcessServices, inProcessServices } from '../app/inProcessServices.ts';

/** The step function (functions/handlers/step.ts) as the state machine calls it: begin, run, engine-error. */
let env: InProcessServices;
let step: ReturnType<typeof createStepHandler>;
beforeAll(async () => {
  env = await inProcessServices();
  step = createStepHandler(env.services);
});
afterAll(async () => {
  await env?.close();
});

describe('the step handler', () => {
  it('begins a run, then runs its steps with the step runners (a real command here)', async () => {
    const runId = await firedRun(env.services, 'steps', 'echo', {
      preHooks: [{ name: 'hello', command: ['echo', 'hello'] }],
      task: { name: 'main', command: 'echo "$HOOKLINE_STEP_NAME"' },
    });
    expect(await step({ action: 'begin', runId })).toMatchObject({});
    expect((await env.services.store.getRun(runId))!.status).toBe('running');
    expect(await step({ action: 'run', runId, index: 0 })).toEqual({ status: 'succeeded' });
    expect(await step({ action: 'run', runId, index: 1 })).toEqual({ status: 'succeeded' });
    const steps = await env.services.store.getSteps(runId);
    expect(steps.map((s) => [s.name, s.status])).toEqual([
      ['hello', 'succeeded'],
      ['main', 'succeeded'],
    ]);
    expect((await env.services.store.getStepOutput(runId, 0))?.stdout).toBe('hello\n');
    expect((await env.services.store.getStepOutput(runId, 1))?.stdout).toBe('main\n');
  });

  it('uses Lambda’s remaining time when given one: a step that cannot fit is stopped and says why', async () => {
    const runId = await firedRun(env.services, 'steps', 'short', {
      task: { name: 'sleeper', command: ['sleep', '30'], critical: false },
    });
    await step({ action: 'begin', runId });
    const outcome = await step({ action: 'run', runId, index: 0 }, { getRemainingTimeInMillis: () => 1 });
    expect(outcome).toEqual({ status: 'timed_out' });
    expect((await env.services.store.getStep(runId, 0))!.reason).toMatch(/invocation was about to time out/);
  });

  it('records an engine error on the step it names, and tells the engine the task failed critically', async () => {
    const runId = await firedRun(env.services, 'steps', 'engine', {
      tasks: [{ name: 'main', command: ['true'] }],
    });
    await step({ action: 'begin', runId });
    await env.services.store.updateStep(runId, 0, { status: 'running' });
    const engineError = {
      action: 'engine-error' as const,
      runId,
      index: 0,
      error: { Error: 'Lambda.Unknown', Cause: 'out of memory' },
    };
    await expect(step(engineError)).rejects.toMatchObject({
      name: 'Hookline.CriticalStepFailed',
      message: 'task "main": the engine failed this step: Lambda.Unknown: out of memory',
    });
    expect(await env.services.store.getStep(runId, 0)).toMatchObject({
      status: 'failed',
      reason: 'the engine failed this step: Lambda.Unknown: out of memory',
    });
  });
});
