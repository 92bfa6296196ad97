import { stepSchema } from '../../../functions/core/job.ts';
import type { ActionInput } from '../../../functions/ports/stepActions.ts';

/** An action's input for one step (validated by the job schema, as a rendered job's steps are). */
export function actionInput(step: Record<string, unknown>, extra: Partial<ActionInput> = {}): ActionInput {
  return {
    planned: {
      index: 0,
      phase: 'task',
      name: String(step.name),
      critical: true,
      continueOnFailure: false,
      runOnFailure: false,
      timeoutSeconds: 10,
      step: stepSchema.parse(step),
    },
    env: { PATH: '/usr/bin:/bin', HOOKLINE_RUN_ID: 'run-1' },
    document: { payload: { n: 1 }, hook: { hookId: 'h' } },
    signal: new AbortController().signal,
    timeoutMs: 10_000,
    outputLimitBytes: 1024,
    ...extra,
  };
}
