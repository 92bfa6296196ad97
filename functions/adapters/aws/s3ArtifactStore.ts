import type { ArtifactRecord } from '../../core/artifacts.ts';
import type {
  ArtifactContent,
  ArtifactInput,
  ArtifactStore,
  ArtifactUploadTarget,
} from '../../ports/artifactStore.ts';
import { ARTIFACT_KEY_PREFIX } from './environment.ts';

/**
 * The cloud's ArtifactStore: the stack's artifact bucket (infra/hookline/artifactBucket.ts), objects
 * `runs/<runId>/<index>/<name>`. Nothing here holds the files: the step function signs a POST the
 * command runner uploads a step's files with (any key under the step's prefix, at most the size
 * limit, until the step's invocation is over) and GETs for the earlier steps' files; the api function
 * signs the short-lived GET it redirects a download to. Expiry is the bucket's lifecycle rule (with
 * the runs' records); an artifact that expires sooner is refused by the API from its record.
 */
export interface ArtifactSigner {
  presignPost(
    keyPrefix: string,
    maxBytes: number,
    expiresSeconds: number,
  ): Promise<{ url: string; fields: Record<string, string> }>;
  presignGet(key: string, expiresSeconds: number, responseQuery?: Record<string, string>): Promise<string>;
}

/** Uploads and inputs are signed for a step's whole invocation (900 s) and a minute more. */
const STEP_SIGNATURE_SECONDS = 960;
/** A download redirect is followed at once. */
const DOWNLOAD_SIGNATURE_SECONDS = 60;

export class S3ArtifactStore implements ArtifactStore {
  constructor(private readonly signer: ArtifactSigner) {}

  private prefix(runId: string, index: number): string {
    if (!/^[A-Za-z0-9_-]{1,128}$/.test(runId)) throw new Error(`not a run id: ${runId.slice(0, 130)}`);
    return `${ARTIFACT_KEY_PREFIX}${runId}/${index}/`;
  }

  async uploadTarget(
    runId: string,
    index: number,
    limits: { maxBytes: number },
  ): Promise<ArtifactUploadTarget> {
    const keyPrefix = this.prefix(runId, index);
    const post = await this.signer.presignPost(keyPrefix, limits.maxBytes, STEP_SIGNATURE_SECONDS);
    return { kind: 'presignedPost', ...post, keyPrefix };
  }

  async recordExpiry(): Promise<void> {
    // The bucket's lifecycle rule removes objects with the runs' records.
  }

  async sourcesFor(
    runId: string,
    artifacts: ReadonlyArray<{ index: number; record: ArtifactRecord }>,
  ): Promise<ArtifactInput[]> {
    return Promise.all(
      artifacts.map(async ({ index, record }) => ({
        name: record.name,
        source: {
          kind: 'url' as const,
          url: await this.signer.presignGet(
            `${this.prefix(runId, index)}${record.name}`,
            STEP_SIGNATURE_SECONDS,
          ),
        },
      })),
    );
  }

  async read(runId: string, index: number, record: ArtifactRecord): Promise<ArtifactContent> {
    const url = await this.signer.presignGet(
      `${this.prefix(runId, index)}${record.name}`,
      DOWNLOAD_SIGNATURE_SECONDS,
      {
        'response-content-disposition': `attachment; filename="${record.name}"`,
        'response-content-type': record.contentType,
      },
    );
    return { kind: 'redirect', url };
  }

  async sweep(): Promise<number> {
    return 0; // the bucket's lifecycle rule
  }
}
