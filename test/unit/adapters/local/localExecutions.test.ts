import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { memoryLogger } from '../../../../functions/adapters/jsonLogger.ts';
import {
  JOB_DEFINITION_PATH,
  LOCAL_SUBSTITUTIONS,
  LocalExecutions,
  loadJobDefinition,
} from '../../../../functions/adapters/local/localExecutions.ts';
import { ENGINE_ERROR_MESSAGE } from '../../../../functions/app/engineErrors.ts';
import { createFinishHandler } from '../../../../functions/handlers/finish.ts';
import { createStepHandler, type StepEvent } from '../../../../functions/handlers/step.ts';
import { firedRun } from '../../app/firedRun.ts';
import { type InProcessServices, inProcessServices } from '../../app/inProcessServices.ts';

/**
 * The local engine (functions/adapters/local/localExecutions.ts): statemachines/job.asl.json — the
 * definition the cloud deploys — run in this process by aws-local-stepfunctions, each Task wired to
 * the step and finish handlers the Lambdas run, over the in-process services.
 */
let env: InProcessServices;
beforeAll(async () => {
  env = await inProcessServices();
});
afterAll(async () => {
  await env?.close();
});

type Handler = (payload: never) => Promise<unknown>;
const realStep = () => createStepHandler(env.services) as Handler;
const realFinish = () => createFinishHandler(env.services) as Handler;

function engine(handlers: { step?: Handler; finish?: Handler } = {}) {
  const logs = memoryLogger();
  const executions = new LocalExecutions(
    { step: handlers.step ?? realStep(), finish: handlers.finish ?? realFinish() },
    logs,
  );
  return { executions, logs };
}

/** A promise the test settles, to hold a handler where it is. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

/** Resolves once `condition` holds (polled between handler calls; no fixed sleep). */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}

describe('the job definition', () => {
  it('is statemachines/job.asl.json with the function ARNs filled in', () => {
    expect(JOB_DEFINITION_PATH.endsWith('statemachines/job.asl.json')).toBe(true);
    const text = JSON.stringify(loadJobDefinition());
    expect(text).not.toContain('${');
    for (const arn of Object.values(LOCAL_SUBSTITUTIONS)) expect(text).toContain(arn);
    expect(
      JSON.stringify(loadJobDefinition({ StepFunctionArn: 'arn:step', FinishFunctionArn: 'arn:finish' })),
    ).toContain('"arn:step"');
  });
});

describe('running a job', () => {
  it('runs a tiny job through every phase and finishes the run', async () => {
    const { executions, logs } = engine();
    const runId = await firedRun(env.services, 'engine', 'tiny', {
      preHooks: [{ name: 'pre', command: ['echo', 'before'] }],
      task: { name: 'main', command: ['echo', 'main'] },
      postHooks: [{ name: 'post', command: ['echo', 'after'] }],
    });
    await executions.start(runId);
    expect(executions.isLive(runId)).toBe(true);
    expect(await executions.describe(runId)).toEqual({ status: 'RUNNING' });
    await executions.settled(runId);

    expect(await executions.describe(runId)).toEqual({ status: 'SUCCEEDED' });
    expect(executions.isLive(runId)).toBe(false);
    expect(executions.activeCount()).toBe(0);
    expect(executions.transitionsOf(runId)).toBeGreaterThan(5);
    const run = await env.services.store.getRun(runId);
    expect([run!.status, run!.result]).toEqual(['finished', 'succeeded']);
    const steps = await env.services.store.getSteps(runId);
    expect(steps.map((s) => [s.name, s.status])).toEqual([
      ['pre', 'succeeded'],
      ['main', 'succeeded'],
      ['post', 'succeeded'],
    ]);
    expect((await env.services.store.getStepOutput(runId, 1))?.stdout).toBe('main\n');
    expect(logs.lines).toEqual([]);
  });

  it('takes the critical-failure path when a task fails: later tasks skipped, the run failed, no engine error', async () => {
    const { executions } = engine();
    const before = env.logs.lines.filter((l) => l.message === ENGINE_ERROR_MESSAGE).length;
    const runId = await firedRun(env.services, 'engine', 'fails', {
      tasks: [
        { name: 'breaks', command: ['false'] },
        { name: 'never', command: ['echo', 'never'] },
      ],
    });
    await executions.start(runId);
    await executions.settled(runId);
    expect(await executions.describe(runId)).toEqual({ status: 'SUCCEEDED' });
    expect((await env.services.store.getRun(runId))!.result).toBe('failed');
    const steps = await env.services.store.getSteps(runId);
    expect(steps.map((s) => s.status)).toEqual(['failed', 'skipped']);
    expect(env.logs.lines.filter((l) => l.message === ENGINE_ERROR_MESSAGE).length).toBe(before);
  });

  it('records an error of the step function on its step, fails the run, and reports an engine error', async () => {
    const step = realStep();
    const { executions } = engine({
      step: (async (event: StepEvent) => {
        if (event.action === 'run') throw new Error('the step function crashed');
        return step(event as never);
      }) as Handler,
    });
    const runId = await firedRun(env.services, 'engine', 'crashes', {
      task: { name: 'main', command: ['true'] },
    });
    await executions.start(runId);
    await executions.settled(runId);
    expect(await executions.describe(runId)).toEqual({ status: 'SUCCEEDED' });
    expect((await env.services.store.getRun(runId))!.result).toBe('failed');
    const recorded = await env.services.store.getStep(runId, 0);
    expect(recorded!.status).toBe('failed');
    expect(recorded!.reason).toContain('the step function crashed');
    expect(
      env.logs.lines.filter((l) => l.message === ENGINE_ERROR_MESSAGE && l.fields?.runId === runId),
    ).toHaveLength(1);
  });

  it('an execution whose Finish keeps failing is FAILED after the retries, with the error, and logged', async () => {
    let attempts = 0;
    const { executions, logs } = engine({
      finish: (async () => {
        attempts++;
        throw new Error('the finish function crashed');
      }) as Handler,
    });
    const runId = await firedRun(env.services, 'engine', 'finish-fails', {
      task: { name: 'announce', event: { source: 'unit', detailType: 'ran', detail: {} } },
    });
    // Finish is retried three times, 1 s then 2 s then 4 s apart (statemachines/job.asl.json): those
    // waits pass on fake timers, undone before the assertions.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      await executions.start(runId);
      while (executions.isLive(runId)) await vi.advanceTimersByTimeAsync(500);
    } finally {
      vi.useRealTimers();
    }
    expect(attempts).toBe(4);
    const state = await executions.describe(runId);
    expect(state).toMatchObject({
      status: 'FAILED',
      cause: expect.stringContaining('the finish function crashed'),
    });
    expect(logs.lines).toEqual([
      {
        level: 'error',
        message: 'execution failed',
        fields: { runId, error: expect.stringContaining('the finish function crashed') },
      },
    ]);
  });

  it('knows nothing of an execution it did not start', async () => {
    const { executions } = engine();
    expect(await executions.describe('never-started')).toEqual({ status: 'NOT_FOUND' });
    expect(executions.transitionsOf('never-started')).toBeUndefined();
    expect(executions.isLive('never-started')).toBe(false);
    await expect(executions.settled('never-started')).resolves.toBeUndefined();
  });
});

describe('one execution per run, and stopping', () => {
  it('starting a run already running starts nothing more', async () => {
    const held = gate();
    const step = realStep();
    let begins = 0;
    const { executions } = engine({
      step: (async (event: StepEvent) => {
        if (event.action === 'begin') {
          begins++;
          await held.opened;
        }
        return step(event as never);
      }) as Handler,
    });
    const runId = await firedRun(env.services, 'engine', 'once', {
      task: { name: 'main', command: ['true'] },
    });
    await executions.start(runId);
    await until(() => begins === 1);
    await executions.start(runId);
    expect(executions.activeCount()).toBe(1);
    held.open();
    await executions.settled(runId);
    expect(begins).toBe(1);
    expect((await env.services.store.getRun(runId))!.result).toBe('succeeded');
  });

  it('a stop aborts the running executions, waits for the handler under way, and starts nothing after', async () => {
    const held = gate();
    const step = realStep();
    const calls: string[] = [];
    let handlerDone = false;
    const { executions, logs } = engine({
      step: (async (event: StepEvent) => {
        calls.push(event.action);
        if (event.action === 'begin') {
          await held.opened;
          const answer = await step(event as never);
          handlerDone = true;
          return answer;
        }
        return step(event as never);
      }) as Handler,
    });
    const runId = await firedRun(env.services, 'engine', 'stopped', {
      task: { name: 'main', command: ['true'] },
    });
    await executions.start(runId);
    await until(() => calls.length === 1);

    const stopping = executions.stop(5_000);
    held.open();
    await stopping;
    expect(handlerDone).toBe(true);
    expect(await executions.describe(runId)).toEqual({ status: 'ABORTED' });
    expect(calls).toEqual(['begin']);
    // The run is durable and unfinished: recovery starts it at the next start.
    expect((await env.services.store.getRun(runId))!.status).not.toBe('finished');

    const later = await firedRun(env.services, 'engine', 'after-stop', {
      task: { name: 'main', command: ['true'] },
    });
    await executions.start(later);
    expect(await executions.describe(later)).toEqual({ status: 'NOT_FOUND' });
    expect(logs.lines).toContainEqual({
      level: 'info',
      message: 'run left for the next start (stopping)',
      fields: { runId: later },
    });
  });
});
