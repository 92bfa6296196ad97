import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ENVIRONMENT_VARIABLES } from '../../../../functions/adapters/aws/environment.ts';
import type { StepActionContext } from '../../../../functions/ports/stepActions.ts';
import { stepRunners } from '../../../../functions/runners/stepRunners.ts';

/**
 * The cloud's Services carry the step actions (functions/adapters/aws/cloudServices.ts): the step
 * function gets the runners, every other function one that says it runs no steps. Built from the
 * environment the CDK stack sets; nothing here reaches AWS (the clients connect on first use).
 */
const environment = {
  [ENVIRONMENT_VARIABLES.tableName]: 'hookline',
  [ENVIRONMENT_VARIABLES.stateMachineArn]: 'arn:aws:states:eu-west-1:1:stateMachine:job',
  [ENVIRONMENT_VARIABLES.eventBusName]: 'hookline',
  [ENVIRONMENT_VARIABLES.commandRunnerFunctionName]: 'hookline-command-runner',
  AWS_REGION: 'eu-west-1',
};

beforeEach(() => {
  for (const [name, value] of Object.entries(environment)) vi.stubEnv(name, value);
  // cloudServices keeps one Services per container: each test loads it afresh.
  vi.resetModules();
});
afterEach(() => {
  vi.unstubAllEnvs();
});

async function servicesOf(functionName: string) {
  const { cloudServices } = await import('../../../../functions/adapters/aws/cloudServices.ts');
  return cloudServices(functionName);
}

describe('the step actions of the cloud services', () => {
  it('are the step runners in the step function', async () => {
    const services = await servicesOf('step');
    const fresh = await import('../../../../functions/runners/stepRunners.ts');
    expect(services.stepActions).toBe(fresh.stepRunners);
  });

  it('run no step in any other function, saying so', async () => {
    const services = await servicesOf('finish');
    expect(services.stepActions).not.toBe(stepRunners);
    const action = services.stepActions.actionFor('command', {} as StepActionContext);
    await expect(action({} as never)).rejects.toThrow('the finish function does not run steps');
  });
});
