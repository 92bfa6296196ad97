/** Starts job runs on the `job` state machine (Step Functions in the cloud, aws-local-stepfunctions locally). */
export interface Executions {
  /** Starts an execution named `runId`; a second start with the same name starts nothing. */
  start(runId: string): Promise<void>;
  /** Where the execution of a run stands (DescribeExecution in the cloud; in-process locally). */
  describe(runId: string): Promise<ExecutionState>;
}

/**
 * Step Functions' execution statuses, plus NOT_FOUND: no execution of that name (never started,
 * or locally, not started by this process).
 */
export type ExecutionStatus =
  | 'RUNNING'
  | 'SUCCEEDED'
  | 'FAILED'
  | 'TIMED_OUT'
  | 'ABORTED'
  | 'PENDING_REDRIVE'
  | 'NOT_FOUND';

export interface ExecutionState {
  status: ExecutionStatus;
  /** Why a FAILED / TIMED_OUT / ABORTED execution ended (the error's name and cause), when known. */
  error?: string;
  cause?: string;
}
