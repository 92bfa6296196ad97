import { type ArtifactRecord, artifactExpiresAt, type CollectedArtifact } from '../core/artifacts.ts';
import type { PlannedStep, RunRecord, StepRecord } from '../core/runModel.ts';
import type { ArtifactInput } from '../ports/artifactStore.ts';
import type { ArtifactCollectionRequest } from '../ports/artifactStore.ts';
import type { Services } from './services.ts';

/**
 * A step's artifacts as the step runner sees them (README "Artifacts"): before a command step, where
 * its declared files go and the earlier steps' files it is given; after it, the records kept on the
 * step. Names are unique within a run, so `GET /runs/{runId}/artifacts/{name}` names one file.
 */
export type StepArtifactIo =
  | { ok: true; artifacts?: ArtifactCollectionRequest; artifactInputs?: ArtifactInput[] }
  | { ok: false; message: string };

/** The earlier steps' kept artifacts, with the step that kept each. */
export function earlierArtifacts(
  steps: readonly StepRecord[],
  index: number,
): Array<{ index: number; record: ArtifactRecord }> {
  return steps
    .filter((s) => s.index < index)
    .flatMap((s) => (s.artifacts ?? []).map((record) => ({ index: s.index, record })));
}

export async function prepareStepArtifacts(
  services: Services,
  run: RunRecord,
  planned: PlannedStep,
  steps: readonly StepRecord[],
): Promise<StepArtifactIo> {
  if (planned.step.command === undefined) return { ok: true };
  const store = services.artifacts;
  const declared = planned.step.artifacts;
  if (!store)
    return declared
      ? { ok: false, message: 'this deployment keeps no artifacts (no artifact store): remove `artifacts`' }
      : { ok: true };
  const earlier = earlierArtifacts(steps, planned.index);
  return {
    ok: true,
    ...(declared
      ? {
          artifacts: {
            declared,
            maxBytes: services.settings.artifactMaxBytes,
            target: await store.uploadTarget(run.runId, planned.index, {
              maxBytes: services.settings.artifactMaxBytes,
            }),
          },
        }
      : {}),
    ...(earlier.length > 0 ? { artifactInputs: await store.sourcesFor(run.runId, earlier) } : {}),
  };
}

/**
 * The records of the files a step kept, each expiring with the step's records unless it says sooner;
 * a name an earlier step already kept is the step's error.
 */
export async function recordStepArtifacts(
  services: Services,
  run: RunRecord,
  planned: PlannedStep,
  steps: readonly StepRecord[],
  collected: readonly CollectedArtifact[],
  finishedAtSeconds: number,
): Promise<{ ok: true; records: ArtifactRecord[] } | { ok: false; message: string }> {
  const taken = new Map(earlierArtifacts(steps, planned.index).map((e) => [e.record.name, e.index]));
  for (const artifact of collected) {
    const by = taken.get(artifact.name);
    if (by !== undefined)
      return {
        ok: false,
        message: `artifact name ${artifact.name} is already kept by step ${by} of this run; give it another name`,
      };
  }
  const records = collected.map(({ expiresInDays, ...rest }) => ({
    ...rest,
    expiresAt: artifactExpiresAt(finishedAtSeconds, services.settings.retentionSeconds, expiresInDays),
  }));
  await services.artifacts?.recordExpiry(run.runId, planned.index, records);
  return { ok: true, records };
}
