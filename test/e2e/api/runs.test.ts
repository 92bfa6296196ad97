import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  runStatusResponseSchema,
  stepOutputResponseSchema,
  triggerResponseSchema,
} from '../../../functions/api/schemas.ts';
import { hookBody, startTestStack, type TestStack } from '../../support/stack.ts';
import { echoContextTask, expectError, expectShape } from './helpers.ts';

/** The run endpoints: a run with its steps, a step's output, cancel, rerun. */

type Trigger = { runId: string };

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ dataDir: null });
  await stack.api(
    'PUT',
    '/hooks/runs/echo',
    hookBody(echoContextTask(), { triggerSchema: { type: 'object' } }),
  );
  await stack.api('PUT', '/hooks/runs/slow', hookBody({ task: { name: 'sleep', command: ['sleep', '30'] } }));
});
afterAll(async () => {
  await stack?.cleanup();
});

describe('GET /runs/{runId} and step output', () => {
  it('answers the run status shape with its steps, and the whole kept output of a step', async () => {
    const fired = await stack.api<Trigger>('POST', '/hooks/runs/echo/trigger', { hello: 'there' });
    await stack.waitForRunFinished(fired.body.runId);
    const res = await stack.api('GET', `/runs/${fired.body.runId}`);
    expect(res.status).toBe(200);
    const run = expectShape(runStatusResponseSchema, res.body);
    expect(run).toMatchObject({
      runId: fired.body.runId,
      taskId: fired.body.runId,
      hookGroupId: 'runs',
      hookId: 'echo',
      firedBy: 'triggerHook',
      status: 'finished',
      result: 'succeeded',
      counts: { total: 1, succeeded: 1, failed: 0, skipped: 0, cancelled: 0 },
    });
    expect(run.steps[0]).toMatchObject({
      index: 0,
      phase: 'task',
      name: 'echo',
      status: 'succeeded',
      exitCode: 0,
    });

    const output = await stack.api('GET', `/runs/${fired.body.runId}/steps/0/output`);
    expect(output.status).toBe(200);
    const body = expectShape(stepOutputResponseSchema, output.body);
    expect(JSON.parse(body.stdout!)).toMatchObject({ payload: { hello: 'there' } });

    expectError(
      await stack.api('GET', `/runs/${fired.body.runId}/steps/7/output`),
      404,
      'ResourceNotFound',
      /no step 7/,
    );
    expectError(
      await stack.api('GET', `/runs/${fired.body.runId}/steps/x/output`),
      400,
      'InputError',
      /step index/,
    );
  });

  it('unknown runs are 404 and malformed run ids 400', async () => {
    for (const path of ['/runs/AAAAAAAAAAAAAAAAAAAAAA', '/runs/AAAAAAAAAAAAAAAAAAAAAA/steps/0/output']) {
      expectError(await stack.api('GET', path), 404, 'ResourceNotFound', /AAAAAAAAAAAAAAAAAAAAAA/);
    }
    for (const method of ['POST']) {
      expectError(await stack.api(method, '/runs/AAAAAAAAAAAAAAAAAAAAAA/cancel'), 404, 'ResourceNotFound');
      expectError(await stack.api(method, '/runs/AAAAAAAAAAAAAAAAAAAAAA/rerun'), 404, 'ResourceNotFound');
    }
    for (const bad of ['x', 'has.dot', '%00', 'a'.repeat(81)]) {
      expectError(await stack.api('GET', `/runs/${bad}`), 400, 'InputError', /is not a run id/);
    }
    expectError(await stack.api('GET', '/hooks/runs/none/runs'), 404, 'ResourceNotFound');
  });
});

describe('cancel', () => {
  it('stops a running run (result cancelled); a finished run cannot be cancelled (409)', async () => {
    const fired = await stack.api<Trigger>('POST', '/hooks/runs/slow/trigger');
    const deadline = Date.now() + 10_000;
    for (;;) {
      const run = await stack.api<{ steps: Array<{ status: string }> }>('GET', `/runs/${fired.body.runId}`);
      if (run.body.steps[0]?.status === 'running') break;
      if (Date.now() > deadline) throw new Error('the step never started');
      await new Promise((r) => setTimeout(r, 50));
    }
    const cancelled = await stack.api('POST', `/runs/${fired.body.runId}/cancel`);
    expect(cancelled.status).toBe(200);
    expectShape(runStatusResponseSchema, cancelled.body);
    const run = await stack.waitForRunFinished(fired.body.runId, 15_000);
    expect(run.result).toBe('cancelled');
    expect(run.steps[0]!.status).toBe('cancelled');
    expectError(
      await stack.api('POST', `/runs/${fired.body.runId}/cancel`),
      409,
      'RequestConflict',
      /already finished/,
    );
  });
});

describe('rerun', () => {
  it('fires the same rendered job again as a new run with firedBy rerun', async () => {
    const fired = await stack.api<Trigger>('POST', '/hooks/runs/echo/trigger', { round: 1 });
    await stack.waitForRunFinished(fired.body.runId);
    const again = await stack.api<Trigger>('POST', `/runs/${fired.body.runId}/rerun`);
    expect(again.status).toBe(200);
    expectShape(triggerResponseSchema, again.body);
    expect(again.body.runId).not.toBe(fired.body.runId);
    const rerun = await stack.waitForRunFinished(again.body.runId);
    expect(rerun).toMatchObject({ firedBy: 'rerun', rerunOf: fired.body.runId, result: 'succeeded' });
    // the job is the one rendered for the first run, not rendered again
    const first = await stack.api<{ stdout: string }>('GET', `/runs/${fired.body.runId}/steps/0/output`);
    const second = await stack.api<{ stdout: string }>('GET', `/runs/${again.body.runId}/steps/0/output`);
    expect(second.body.stdout).toBe(first.body.stdout);
    expect(JSON.parse(second.body.stdout)).toMatchObject({ runId: fired.body.runId, payload: { round: 1 } });

    const fires = await stack.api<{ lastFires: Array<{ firedBy: string; runId: string }> }>(
      'GET',
      '/hooks/runs/echo/last-fires?limit=1',
    );
    expect(fires.body.lastFires[0]).toMatchObject({ firedBy: 'rerun', runId: again.body.runId });
  });
});
