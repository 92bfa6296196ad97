import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DescribeExecutionCommand, ExecutionDoesNotExist, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readServiceSecret, serviceSecret } from '../../../functions/adapters/aws/cloudServices.ts';
import { executionArnOf, SfnExecutions } from '../../../functions/adapters/aws/sfnExecutions.ts';
import { beginRun } from '../../../functions/app/beginRun.ts';
import { fireHook } from '../../../functions/app/fireHook.ts';
import { createHook, getHook } from '../../../functions/app/manageHooks.ts';
import { runStep } from '../../../functions/app/runStep.ts';
import type { Services } from '../../../functions/app/services.ts';
import { ORPHANED_AFTER_MS, sweepRuns } from '../../../functions/app/sweepRuns.ts';
import { STEP_RECORDING_MARGIN_SECONDS } from '../../../functions/core/stepBudget.ts';
import { hookBody } from '../../support/hookBody.ts';
import { type InProcessServices, inProcessServices } from './inProcessServices.ts';

/**
 * The use cases that end runs whatever fails, driven in process with no stack: the run sweeper against the cloud
 * Executions adapter (Step Functions mocked with aws-sdk-client-mock), the runner's stop before its
 * invocation ends, and the service secret read retried after a failure.
 */
const config = { region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } };
const STATE_MACHINE = 'arn:aws:states:eu-west-1:123456789012:stateMachine:hookline-job';

let env: InProcessServices;
let idle: Services;
beforeAll(async () => {
  // In process, no stack: executions start nothing, the tests drive the runs themselves.
  env = await inProcessServices();
  idle = {
    ...env.services,
    executions: { start: async () => undefined, describe: async () => ({ status: 'NOT_FOUND' }) },
  };
});
afterAll(async () => {
  await env?.close();
});

async function startedRun(services: Services, hookId: string, task: Record<string, unknown>) {
  await createHook(services, 'endings', hookId, hookBody({ task }), { scopes: ['*'] });
  const outcome = await fireHook(services, {
    hook: await getHook(services, 'endings', hookId),
    firedBy: 'triggerHook',
    payload: {},
  });
  await beginRun(services, outcome.runId);
  return outcome.runId;
}

describe('the run sweeper, with the Step Functions adapter', () => {
  it('describes each unfinished run’s execution by its ARN and finishes those that ended FAILED', async () => {
    const failed = await startedRun(idle, 'sweep-failed', { name: 't', command: ['true'] });
    const running = await startedRun(idle, 'sweep-running', { name: 't', command: ['true'] });
    const client = new SFNClient(config);
    const sfn = mockClient(client);
    sfn
      .on(DescribeExecutionCommand)
      .callsFake((input: { executionArn: string }) =>
        input.executionArn.endsWith(`:${failed}`)
          ? { status: 'FAILED', error: 'Lambda.Unknown', cause: 'the finish function ran out of memory' }
          : { status: 'RUNNING' },
      );
    const services = { ...idle, executions: new SfnExecutions(STATE_MACHINE, client) };

    const outcome = await sweepRuns(services);

    expect(outcome.finished).toEqual([failed]);
    const arns = sfn.commandCalls(DescribeExecutionCommand).map((c) => c.args[0].input.executionArn);
    expect(arns).toContain(`arn:aws:states:eu-west-1:123456789012:execution:hookline-job:${failed}`);
    expect(arns).toContain(`arn:aws:states:eu-west-1:123456789012:execution:hookline-job:${running}`);
    const run = await services.store.getRun(failed);
    expect(run).toMatchObject({ status: 'finished', result: 'failed' });
    expect(run!.error!.message).toBe(
      "Hookline.RunSwept: the run's execution ended FAILED without finishing the run (Lambda.Unknown: the finish function ran out of memory)",
    );
    const steps = await services.store.getSteps(failed);
    expect(steps[0]).toMatchObject({
      status: 'skipped',
      reason: expect.stringMatching(/^the engine stopped the run/),
    });
    expect((await services.store.getRun(running))!.status).toBe('running');
  });

  it('finishes a run left running with no execution at all, once it is old enough', async () => {
    const orphan = await startedRun(idle, 'sweep-orphan', { name: 't', command: ['true'] });
    const client = new SFNClient(config);
    mockClient(client)
      .on(DescribeExecutionCommand)
      .rejects(new ExecutionDoesNotExist({ message: 'no such execution', $metadata: {} }));
    const services = { ...idle, executions: new SfnExecutions(STATE_MACHINE, client) };
    expect((await sweepRuns(services)).finished).not.toContain(orphan);
    env.clock.advance(ORPHANED_AFTER_MS + 1000);
    const outcome = await sweepRuns(services);
    expect(outcome.finished).toContain(orphan);
    expect((await services.store.getRun(orphan))!.error!.message).toMatch(
      /running with no execution behind it/,
    );
  });

  it('builds execution ARNs from the state machine ARN', () => {
    expect(executionArnOf('arn:aws-cn:states:cn-north-1:1:stateMachine:sm', 'R')).toBe(
      'arn:aws-cn:states:cn-north-1:1:execution:sm:R',
    );
  });
});

describe('a step stops before its invocation ends', () => {
  it('is recorded timed_out with the reason when the invocation has too little time left', async () => {
    const runId = await startedRun(idle, 'short-invocation', { name: 'sleeper', command: ['sleep', '30'] });
    const endsAt = Date.now() + STEP_RECORDING_MARGIN_SECONDS * 1000 + 300;
    const result = await runStep(
      idle,
      { runId, index: 0 },
      { remainingTimeMs: () => endsAt - Date.now() },
    ).catch((error: Error) => error);
    // The task is critical: the runner reports the critical failure to the engine.
    expect(result).toMatchObject({ name: 'Hookline.CriticalStepFailed' });
    const step = await idle.store.getStep(runId, 0);
    expect(step).toMatchObject({ status: 'timed_out' });
    expect(step!.reason).toMatch(/the step function's invocation was about to time out/);
  });
});

describe('the service secret', () => {
  it('is read once per container, and a failed read is retried on the next request', async () => {
    const client = new SecretsManagerClient(config);
    const sm = mockClient(client);
    sm.on(GetSecretValueCommand)
      .rejectsOnce(new Error('Secrets Manager unreachable'))
      .resolves({ SecretString: JSON.stringify({ clientId: 'root', accessToken: 'token-1' }) });
    const read = () => readServiceSecret('arn:secret', client);
    await expect(serviceSecret(read)).rejects.toThrow('Secrets Manager unreachable');
    await expect(serviceSecret(read)).resolves.toMatchObject({ accessToken: 'token-1' });
    await expect(serviceSecret(read)).resolves.toMatchObject({ accessToken: 'token-1' });
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });
});
