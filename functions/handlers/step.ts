import { beginRun } from '../app/beginRun.ts';
import { runStep, type RunStepOptions } from '../app/runStep.ts';
import type { Services } from '../app/services.ts';
import { cloudServices } from '../adapters/aws/cloudServices.ts';

/** The step function: the state machine's Begin and Run* states. */
export type StepEvent = { action: 'begin'; runId: string } | { action: 'run'; runId: string; index: number };

export function createStepHandler(services: Services, options: RunStepOptions = {}) {
  return async (event: StepEvent) => {
    if (event.action === 'begin') return beginRun(services, event.runId);
    return runStep(services, { runId: event.runId, index: event.index }, options);
  };
}

export const handler = async (event: StepEvent) => createStepHandler(await cloudServices('step'))(event);
