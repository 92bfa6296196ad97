import { type AfterFinish, type FinishRequest, finishRun } from '../app/finishRun.ts';
import type { Services } from '../app/services.ts';
import { sweepRuns } from '../app/sweepRuns.ts';
import { cloudServices } from '../adapters/aws/cloudServices.ts';

/**
 * The finish function: the state machine's Finish state, and the run sweeper's schedule (input
 * `{action: 'sweep-runs'}`, infra/hookline/triggers.ts), which finishes runs whose Finish failed.
 */
export type FinishEvent = FinishRequest | { action: 'sweep-runs' };

export function createFinishHandler(services: Services, afterFinish: AfterFinish[] = []) {
  return (event: FinishEvent) =>
    'action' in event ? sweepRuns(services, afterFinish) : finishRun(services, event, afterFinish);
}

export const handler = async (event: FinishEvent) =>
  createFinishHandler(await cloudServices('finish'))(event);
