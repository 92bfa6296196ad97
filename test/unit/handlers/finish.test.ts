import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORPHANED_AFTER_MS } from '../../../functions/app/sweepRuns.ts';
import { createFinishHandler } from '../../../functions/handlers/finish.ts';
import { firedRun } from '../app/firedRun.ts';
import { type InProcessServices, inProcessServices } from '../app/inProcessServices.ts';

/** The finish function (functions/handlers/finish.ts): the Finish state, and the run sweeper's schedule. */
let env: InProcessServices;
beforeAll(async () => {
  env = await inProcessServices();
});
afterAll(async () => {
  await env?.close();
});

describe('the finish handler', () => {
  it('finishes the run it is given and runs the after-finish actions', async () => {
    const runId = await firedRun(env.services, 'finish', 'one', { task: { name: 't', command: ['true'] } });
    await env.services.store.updateRun(runId, { status: 'running' });
    await env.services.store.updateStep(runId, 0, { status: 'succeeded' });
    const after: string[] = [];
    const finish = createFinishHandler(env.services, [async (_services, id) => void after.push(id)]);
    expect(await finish({ runId })).toEqual({ result: 'succeeded' });
    expect(await env.services.store.getRun(runId)).toMatchObject({ status: 'finished', result: 'succeeded' });
    expect(after).toEqual([runId]);
  });

  it('`{action: "sweep-runs"}` sweeps: a run with no execution is finished once old enough', async () => {
    const runId = await firedRun(env.services, 'finish', 'orphan', {
      task: { name: 't', command: ['true'] },
    });
    await env.services.store.updateRun(runId, { status: 'running' });
    // No execution behind it (the engine lost it).
    const finish = createFinishHandler({
      ...env.services,
      executions: { ...env.services.executions, describe: async () => ({ status: 'NOT_FOUND' }) },
    });
    expect(await finish({ action: 'sweep-runs' })).toMatchObject({ finished: [] });
    env.clock.advance(ORPHANED_AFTER_MS + 1000);
    expect(await finish({ action: 'sweep-runs' })).toMatchObject({ finished: [runId] });
    expect((await env.services.store.getRun(runId))!.status).toBe('finished');
  });
});
