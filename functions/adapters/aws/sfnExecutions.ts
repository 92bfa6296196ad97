import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  SFNClient,
  StartExecutionCommand,
  StateMachineTypeNotSupported,
} from '@aws-sdk/client-sfn';
import type { Executions, ExecutionState, ExecutionStatus } from '../../ports/executions.ts';

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

  async describe(runId: string): Promise<ExecutionState> {
    try {
      const out = await this.client.send(
        new DescribeExecutionCommand({ executionArn: executionArnOf(this.stateMachineArn, runId) }),
      );
      return {
        status: (out.status ?? 'RUNNING') as ExecutionStatus,
        ...(out.error ? { error: out.error } : {}),
        ...(out.cause ? { cause: out.cause } : {}),
      };
    } catch (error) {
      // EXPRESS executions cannot be described (they have no such ARN): they count as not found.
      // They last at most 5 minutes, so the sweeper's orphan rule (a run `running` for 10 minutes
      // with no execution; functions/app/sweepRuns.ts) still finishes their runs.
      if (error instanceof ExecutionDoesNotExist || error instanceof StateMachineTypeNotSupported)
        return { status: 'NOT_FOUND' };
      throw error;
    }
  }
}

/** arn:…:stateMachine:<name> → arn:…:execution:<name>:<runId> (executions are named after their run). */
export function executionArnOf(stateMachineArn: string, runId: string): string {
  const parts = stateMachineArn.split(':');
  const at = parts.indexOf('stateMachine');
  if (at < 0) throw new Error(`not a state machine ARN: ${stateMachineArn}`);
  parts[at] = 'execution';
  return `${parts.slice(0, at + 2).join(':')}:${runId}`;
}
