import { conflict } from '../core/errors.ts';
import type { RunRecord } from '../core/runModel.ts';
import { fireHook, type FireOutcome } from './fireHook.ts';
import { getHook } from './manageHooks.ts';
import { requestStop } from './runStep.ts';
import type { Services } from './services.ts';

/**
 * Cancel: the running command is killed (the step runner watches for the request), remaining steps
 * are cancelled except runOnFailure post-hooks, which still run; the result is `cancelled`.
 */
export async function cancelRun(services: Services, run: RunRecord): Promise<void> {
  if (run.status === 'finished') throw conflict(`run ${run.runId} has already finished (${run.result})`);
  await requestStop(services, run.runId, 'cancelled');
  services.logger.info('run cancel requested', {
    runId: run.runId,
    hookGroupId: run.hookGroupId,
    hookId: run.hookId,
  });
}

/** Rerun: the same rendered job, fired again as a new run with `firedBy: rerun`. */
export async function rerun(
  services: Services,
  run: RunRecord,
  clientId: string | undefined,
): Promise<FireOutcome> {
  const hook = await getHook(services, run.hookGroupId, run.hookId);
  return fireHook(services, { hook, firedBy: 'rerun', rerunOf: run, clientId });
}
