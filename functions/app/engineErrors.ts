import type { Services } from './services.ts';

/**
 * Engine errors (a step or a run the engine failed, not a user's failing step) are logged with one
 * message, which the cloud stack counts with a metric filter and alarms on
 * (infra/hookline/alarms.ts). Users' critical step failures never log it.
 */
export const ENGINE_ERROR_MESSAGE = 'engine error';

export function reportEngineError(
  services: Services,
  fields: { runId: string; reason: string; index?: number; source: 'step' | 'finish' },
): void {
  services.logger.error(ENGINE_ERROR_MESSAGE, fields);
}

/** An error as the state machine's Catch hands it on (`{Error, Cause}`). */
export interface CaughtError {
  Error?: string;
  Cause?: unknown;
}

/** One line for an engine error: its name and a bounded cause. */
export function describeEngineError(error: CaughtError | undefined): string {
  const cause = error?.Cause === undefined ? '' : `: ${String(error.Cause).slice(0, 500)}`;
  return `${error?.Error ?? 'error'}${cause}`;
}
