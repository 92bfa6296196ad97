import type { ArtifactDeclaration, ArtifactRecord } from '../core/artifacts.ts';

/**
 * Where the artifacts of runs are kept (README "Artifacts"): locally a directory under the data
 * directory (functions/adapters/local/artifactDirectory.ts). The command runner holds no rights of
 * its own: it is handed a target for a step's files and sources for the earlier steps' files.
 */
export interface ArtifactStore {
  /** Where the runner puts the files of step `index` of run `runId`, each at most `maxBytes`. */
  uploadTarget(runId: string, index: number, limits: { maxBytes: number }): Promise<ArtifactUploadTarget>;
  /** Called once a step's kept files are recorded on its step: remembers when they expire. */
  recordExpiry(runId: string, index: number, artifacts: readonly ArtifactRecord[]): Promise<void>;
  /** Where the runner reads earlier steps' artifacts from, to give them to a later step. */
  sourcesFor(
    runId: string,
    artifacts: ReadonlyArray<{ index: number; record: ArtifactRecord }>,
  ): Promise<ArtifactInput[]>;
  /** One artifact's content, for `GET /runs/{runId}/artifacts/{name}`; undefined when its file is gone. */
  read(runId: string, index: number, record: ArtifactRecord): Promise<ArtifactContent | undefined>;
  /** Removes the files whose expiry passed, and those of runs whose records are gone (`runExists`). */
  sweep(nowSeconds: number, runExists: (runId: string) => Promise<boolean>): Promise<number>;
}

/**
 * Where a step's kept files go: a directory (the local stack runs commands in-process), or, for the
 * cloud's command runner, which holds no rights, an S3 presigned POST that accepts any key under
 * `keyPrefix` up to the size limit until it expires (functions/adapters/aws/s3ArtifactStore.ts).
 */
export type ArtifactUploadTarget =
  | { kind: 'directory'; path: string }
  | { kind: 'presignedPost'; url: string; fields: Record<string, string>; keyPrefix: string };

/** An earlier step's artifact, copied into the later step's HOOKLINE_ARTIFACTS_DIR under `name`: a file, or a presigned GET. */
export interface ArtifactInput {
  name: string;
  source: { kind: 'file'; path: string } | { kind: 'url'; url: string };
}

export type ArtifactContent =
  | { kind: 'stream'; body: ReadableStream<Uint8Array>; size: number }
  | { kind: 'redirect'; url: string };

export interface ArtifactCollectionRequest {
  declared: ArtifactDeclaration[];
  /** Each file at most this large (ServiceSettings.artifactMaxBytes). */
  maxBytes: number;
  target: ArtifactUploadTarget;
}
