import './promisePolyfill.ts';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { StateMachine } from 'aws-local-stepfunctions';
import type { Executions, ExecutionState } from '../../ports/executions.ts';
import type { Logger } from '../../ports/logger.ts';

/**
 * Runs `statemachines/job.asl.json` — the very definition the cloud deploys — with
 * aws-local-stepfunctions, each Task state wired to the handler module its Lambda would run.
 */
export const JOB_DEFINITION_PATH = fileURLToPath(
  new URL('../../../statemachines/job.asl.json', import.meta.url),
);

/** The substitutions the CDK stack fills with function ARNs; locally, placeholder ARNs. */
export const LOCAL_SUBSTITUTIONS: Record<string, string> = {
  StepFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:hookline-step',
  FinishFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:hookline-finish',
};

export function loadJobDefinition(
  substitutions: Record<string, string> = LOCAL_SUBSTITUTIONS,
): Record<string, unknown> {
  let text = readFileSync(JOB_DEFINITION_PATH, 'utf8');
  for (const [name, value] of Object.entries(substitutions)) text = text.replaceAll(`\${${name}}`, value);
  return JSON.parse(text) as Record<string, unknown>;
}

type LambdaLike = (payload: never) => Promise<unknown>;

export interface LocalHandlers {
  step: LambdaLike;
  finish: LambdaLike;
}

const STEP_STATES = [
  'Begin',
  'RunPreHook',
  'RunTask',
  'RunPostHook',
  'RunNotify',
  'RecordPreHookEngineError',
  'RecordTaskEngineError',
  'RecordPostHookEngineError',
  'RecordNotifyEngineError',
] as const;

/** How many ended executions are remembered (their transitions and how they ended). */
const REMEMBERED_EXECUTIONS = 10_000;

export class LocalExecutions implements Executions {
  private readonly machine: StateMachine;
  private readonly running = new Map<string, { abort: () => void; done: Promise<void> }>();
  private readonly transitions = new Map<string, number>();
  /** How the executions of this process ended (SUCCEEDED, FAILED with the error, ABORTED). */
  private readonly ended = new Map<string, ExecutionState>();
  private stopping = false;
  /** Handler invocations under way; stop() waits for them so no store write outlives the stack. */
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly handlers: LocalHandlers,
    private readonly logger: Logger,
  ) {
    // Not validated again at each start (0.7 s of CPU in ajv, the largest cost of a stack's start):
    // job.asl.json is this repository's file, proven valid ASL by test/statemachines/jobDefinition.test.ts.
    this.machine = new StateMachine(loadJobDefinition() as never, {
      validationOptions: { noValidate: true },
    });
  }

  /** Starts the run's execution; while stopping, nothing starts (the run is durable: recovery starts it at the next start). */
  async start(runId: string): Promise<void> {
    if (this.stopping) {
      this.logger.info('run left for the next start (stopping)', { runId });
      return;
    }
    if (this.running.has(runId)) return;
    this.ended.delete(runId);
    const asLambda = (fn: LambdaLike) => async (input: unknown) => {
      // No new step starts once the stop began (the execution is being aborted).
      if (this.stopping) throw new Error('the local engine is stopping');
      const call = fn((input as { Payload: unknown }).Payload as never);
      this.inFlight.add(call);
      try {
        return { Payload: await call };
      } finally {
        this.inFlight.delete(call);
      }
    };
    const taskResourceLocalHandlers: Record<string, (input: unknown) => Promise<unknown>> = {
      Finish: asLambda(this.handlers.finish),
    };
    for (const state of STEP_STATES) taskResourceLocalHandlers[state] = asLambda(this.handlers.step);
    const execution = this.machine.run(
      { runId },
      { overrides: { taskResourceLocalHandlers: taskResourceLocalHandlers as never } },
    );
    const done = (async () => {
      let entered = 0;
      const counting = (async () => {
        for await (const event of execution.eventLogs as AsyncIterable<{ type: string }>) {
          if (event.type === 'StateEntered') entered++;
        }
      })().catch(() => undefined);
      let state: ExecutionState = { status: 'SUCCEEDED' };
      try {
        await execution.result;
      } catch (error) {
        const e = error as Error;
        state = this.stopping
          ? { status: 'ABORTED' }
          : { status: 'FAILED', error: e.name, cause: e.message.slice(0, 1000) };
        if (!this.stopping) this.logger.error('execution failed', { runId, error: e.message });
      }
      await counting;
      this.remember(runId, entered, state);
      this.running.delete(runId);
    })();
    this.running.set(runId, { abort: () => execution.abort(), done });
  }

  private remember(runId: string, entered: number, state: ExecutionState) {
    this.transitions.set(runId, entered);
    this.ended.set(runId, state);
    if (this.transitions.size > REMEMBERED_EXECUTIONS)
      this.transitions.delete(this.transitions.keys().next().value as string);
    if (this.ended.size > REMEMBERED_EXECUTIONS) this.ended.delete(this.ended.keys().next().value as string);
  }

  /** RUNNING, how it ended, or NOT_FOUND for an execution this process did not start (or forgot). */
  async describe(runId: string): Promise<ExecutionState> {
    if (this.running.has(runId)) return { status: 'RUNNING' };
    return this.ended.get(runId) ?? { status: 'NOT_FOUND' };
  }

  /** State transitions of a finished execution (StateEntered events of its history). */
  transitionsOf(runId: string): number | undefined {
    return this.transitions.get(runId);
  }

  activeCount(): number {
    return this.running.size;
  }

  /** Waits for the execution of a run, if one is going. */
  async settled(runId: string): Promise<void> {
    await this.running.get(runId)?.done;
  }

  /** Whether an execution of the run is going in this process (functions/app/recoverRuns.ts). */
  isLive(runId: string): boolean {
    return this.running.has(runId);
  }

  /** First half of a stop: no execution starts and no step starts any more; the executions are aborted. */
  beginStop(): void {
    this.stopping = true;
    for (const e of this.running.values()) e.abort();
  }

  /**
   * Stops every execution (the commands are killed by the caller, after beginStop); unfinished runs
   * resume at the next start. Waits for handlers under way to record what happened, at most `waitMs` in all.
   */
  async stop(waitMs = 10_000): Promise<void> {
    this.beginStop();
    const deadline = Date.now() + waitMs;
    const all = [...this.running.values()];
    const timer = new Promise((r) => setTimeout(r, waitMs).unref());
    await Promise.race([Promise.allSettled(all.map((e) => e.done)), timer]);
    while (this.inFlight.size > 0 && Date.now() < deadline) {
      await Promise.race([Promise.allSettled([...this.inFlight]), new Promise((r) => setTimeout(r, 100))]);
    }
  }
}
