import type { Services } from './services.ts';

/**
 * Engine errors (a step or a run the engine failed, not a user's failing step) are logged with one
 * message, which the cloud stack counts with a metric filter and alarms on
 * (infra/hooklineConstruct.ts). Users' critical step failures never log it.
 */
export const ENGINE_ERROR_MESSAGE = 'engine error';

export function reportEngineError(
  services: Services,
  fields: { runId: string; reason: string; index?: number; source: 'step' | 'finish' | 'sweeper' },
): void {
  services.logger.error(ENGINE_ERROR_MESSAGE, fields);
}
