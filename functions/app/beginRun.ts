import { type PhaseIndices, phaseIndices, planSteps } from '../core/jobFlow.ts';
import { ConditionFailed } from '../ports/store.ts';
import { announce } from './lifecycleEvents.ts';
import type { Services } from './services.ts';

/** The state machine's Begin state: the run is running; Run Started goes on the bus; the phases' step indices come back. */
export async function beginRun(services: Services, runId: string): Promise<PhaseIndices> {
  const run = await services.store.getRun(runId);
  if (!run) throw new Error(`run ${runId} does not exist`);
  if (run.status === 'pending') {
    try {
      await services.store.updateRun(
        runId,
        { status: 'running', startedAt: services.clock.now().toISOString() },
        { status: 'pending' },
      );
      await announce(services, 'Run Started', {
        hookGroupId: run.hookGroupId,
        hookId: run.hookId,
        runId,
        firedBy: run.firedBy,
        chainDepth: run.depth,
      });
    } catch (error) {
      if (!(error instanceof ConditionFailed)) throw error;
    }
  }
  return phaseIndices(planSteps(run.job));
}
