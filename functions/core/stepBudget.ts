import { inputError } from './errors.ts';
import type { Job } from './job.ts';
import { planSteps } from './jobFlow.ts';
import type { PlannedStep } from './runModel.ts';

/**
 * A step runs inside one invocation of the step function (README "Limits"): all its attempts and
 * the backoffs between them must end before that invocation's timeout, with room left to record
 * the outcome. The step function's timeout is `ServiceSettings.stepFunctionTimeoutSeconds`.
 */

/** Time kept, at the end of an invocation, for recording the step's outcome and announcing it. */
export const STEP_RECORDING_MARGIN_SECONDS = 30;

/** The longest a step can take: every attempt runs to its timeout, with the backoffs between them. */
export function stepBudgetSeconds(planned: PlannedStep): number {
  const retries = planned.step.retry?.attempts ?? 0;
  const backoff = planned.step.retry?.backoffSeconds ?? 1;
  let total = planned.timeoutSeconds * (retries + 1);
  for (let attempt = 1; attempt <= retries; attempt++) total += backoff * 2 ** (attempt - 1);
  return total;
}

/** The most a step may take in a step function that times out after `functionTimeoutSeconds`. */
export function maxStepBudgetSeconds(functionTimeoutSeconds: number): number {
  return functionTimeoutSeconds - STEP_RECORDING_MARGIN_SECONDS;
}

/** Refuses (400, naming the step) a job with a step that cannot end inside one invocation. */
export function checkStepsFit(job: Job, functionTimeoutSeconds: number): void {
  const limit = maxStepBudgetSeconds(functionTimeoutSeconds);
  for (const planned of planSteps(job)) {
    const budget = stepBudgetSeconds(planned);
    if (budget > limit) {
      const retries = planned.step.retry?.attempts ?? 0;
      throw inputError(
        `step "${planned.name}" (${planned.phase}) may take ${Math.ceil(budget)} s ` +
          `(timeoutSeconds ${planned.timeoutSeconds} × ${retries + 1} attempt(s)` +
          `${retries > 0 ? ' plus backoffs' : ''}); a step must end within ${limit} s ` +
          `(the step function's ${functionTimeoutSeconds} s less ${STEP_RECORDING_MARGIN_SECONDS} s to record it): ` +
          'lower its timeoutSeconds or retry.attempts',
      );
    }
  }
}
