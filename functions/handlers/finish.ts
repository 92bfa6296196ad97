import { type AfterFinish, type FinishRequest, finishRun } from '../app/finishRun.ts';
import type { Services } from '../app/services.ts';
import { cloudServices } from '../adapters/aws/cloudServices.ts';

/** The finish function: the state machine's Finish state. */
export function createFinishHandler(services: Services, afterFinish: AfterFinish[] = []) {
  return (event: FinishRequest) => finishRun(services, event, afterFinish);
}

export const handler = async (event: FinishRequest) =>
  createFinishHandler(await cloudServices('finish'))(event);
