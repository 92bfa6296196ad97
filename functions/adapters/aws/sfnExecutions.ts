import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { Executions } from '../../ports/executions.ts';

/** Runs on AWS Step Functions: StartExecution named after the run, so a repeated start starts nothing. */
export class SfnExecutions implements Executions {
  constructor(
    private readonly stateMachineArn: string,
    private readonly client: SFNClient = new SFNClient({}),
  ) {}

  async start(runId: string): Promise<void> {
    try {
      await this.client.send(
        new StartExecutionCommand({
          stateMachineArn: this.stateMachineArn,
          name: runId,
          input: JSON.stringify({ runId }),
        }),
      );
    } catch (error) {
      // Standard workflows answer ExecutionAlreadyExists for a same-name start with a different input only;
      // with the same input they return the existing execution. Either way: one run.
      if (error instanceof ExecutionAlreadyExists) return;
      throw error;
    }
  }
}
