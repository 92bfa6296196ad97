/** Starts job runs on the `job` state machine (Step Functions in the cloud, aws-local-stepfunctions locally). */
export interface Executions {
  /** Starts an execution named `runId`; a second start with the same name starts nothing. */
  start(runId: string): Promise<void>;
}
