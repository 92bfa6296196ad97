import { ARTIFACT_NAME_PATTERN, type ArtifactRecord } from '../core/artifacts.ts';
import { inputError, notFound } from '../core/errors.ts';
import type { ArtifactContent } from '../ports/artifactStore.ts';
import { earlierArtifacts } from './stepArtifacts.ts';
import type { Services } from './services.ts';

/** `GET /runs/{runId}/artifacts` and `/{name}`: a run's kept files, those not expired (README "Artifacts"). */
export interface ArtifactView {
  name: string;
  /** The step that kept it. */
  index: number;
  stepName: string;
  path: string;
  size: number;
  sha256: string;
  contentType: string;
  expiresAt: string;
}

async function liveArtifacts(services: Services, runId: string) {
  const steps = await services.store.getSteps(runId);
  const now = Math.floor(services.clock.now().getTime() / 1000);
  const names = new Map(steps.map((s) => [s.index, s.name]));
  return earlierArtifacts(steps, Number.POSITIVE_INFINITY)
    .filter(({ record }) => record.expiresAt > now)
    .map(({ index, record }) => ({ index, record, stepName: names.get(index) ?? '' }));
}

function view(index: number, stepName: string, record: ArtifactRecord): ArtifactView {
  return {
    name: record.name,
    index,
    stepName,
    path: record.path,
    size: record.size,
    sha256: record.sha256,
    contentType: record.contentType,
    expiresAt: new Date(record.expiresAt * 1000).toISOString(),
  };
}

export async function listRunArtifacts(services: Services, runId: string): Promise<ArtifactView[]> {
  return (await liveArtifacts(services, runId)).map(({ index, stepName, record }) =>
    view(index, stepName, record),
  );
}

/** One artifact and its content; unknown, expired or no longer kept is a 404 naming it. */
export async function getRunArtifact(
  services: Services,
  runId: string,
  name: string,
): Promise<{ artifact: ArtifactView; content: ArtifactContent }> {
  if (!ARTIFACT_NAME_PATTERN.test(name)) throw inputError(`"${name.slice(0, 200)}" is not an artifact name`);
  const found = (await liveArtifacts(services, runId)).find((a) => a.record.name === name);
  if (!found) throw notFound(`run ${runId} has no artifact ${name} (or it expired)`);
  const content = await services.artifacts?.read(runId, found.index, found.record);
  if (!content) throw notFound(`artifact ${name} of run ${runId} is no longer kept`);
  return { artifact: view(found.index, found.stepName, found.record), content };
}
