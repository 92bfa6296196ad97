import { beginRun } from '../app/beginRun.ts';
import { type EngineErrorRequest, recordEngineError, runStep, type RunStepOptions } from '../app/runStep.ts';
import type { Services } from '../app/services.ts';
import { cloudServices } from '../adapters/aws/cloudServices.ts';

/**
 * The step function: the state machine's Begin and Run* states, and its RecordXEngineError states
 * (an engine error caught in a Run* state is recorded on its step; statemachines/job.asl.json).
 */
export type StepEvent =
  | { action: 'begin'; runId: string }
  | { action: 'run'; runId: string; index: number }
  | ({ action: 'engine-error' } & EngineErrorRequest);

/** What the step function knows of its own invocation (Lambda's context; none locally). */
export interface InvocationContext {
  getRemainingTimeInMillis(): number;
}

export function createStepHandler(services: Services, options: RunStepOptions = {}) {
  return async (event: StepEvent, context?: InvocationContext) => {
    if (event.action === 'begin') return beginRun(services, event.runId);
    if (event.action === 'engine-error') return recordEngineError(services, event);
    return runStep(
      services,
      { runId: event.runId, index: event.index },
      { ...options, remainingTimeMs: remainingTimeOf(services, context) },
    );
  };
}

/** Lambda's clock in the cloud; locally, the same budget (settings.stepFunctionTimeoutSeconds) from now. */
function remainingTimeOf(services: Services, context: InvocationContext | undefined): () => number {
  if (context) return () => context.getRemainingTimeInMillis();
  const endsAt = Date.now() + services.settings.stepFunctionTimeoutSeconds * 1000;
  return () => endsAt - Date.now();
}

export const handler = async (event: StepEvent, context: InvocationContext) =>
  createStepHandler(await cloudServices('step'))(event, context);
