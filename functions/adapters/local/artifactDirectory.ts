import { createReadStream } from 'node:fs';
import { readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { ArtifactRecord } from '../../core/artifacts.ts';
import type {
  ArtifactContent,
  ArtifactInput,
  ArtifactStore,
  ArtifactUploadTarget,
} from '../../ports/artifactStore.ts';

/**
 * The local ArtifactStore: `<root>/<runId>/<index>/<name>` (root is `<dataDir>/artifacts`, or a
 * temporary directory for an in-memory stack), with `<root>/<runId>/<index>.expiry.json` holding
 * when each of the step's files expires. The sweep removes expired files and every file of a run
 * whose records are gone.
 */
const RUN_ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

function checkRunId(runId: string): string {
  if (!RUN_ID_PATTERN.test(runId)) throw new Error(`not a run id: ${runId.slice(0, 130)}`);
  return runId;
}

export class ArtifactDirectory implements ArtifactStore {
  constructor(private readonly root: string) {}

  private stepDir(runId: string, index: number): string {
    return join(this.root, checkRunId(runId), String(index));
  }

  private expiryFile(runId: string, index: number): string {
    return join(this.root, checkRunId(runId), `${index}.expiry.json`);
  }

  async uploadTarget(runId: string, index: number): Promise<ArtifactUploadTarget> {
    return { kind: 'directory', path: this.stepDir(runId, index) };
  }

  async recordExpiry(runId: string, index: number, artifacts: readonly ArtifactRecord[]): Promise<void> {
    const expiry = Object.fromEntries(artifacts.map((a) => [a.name, a.expiresAt]));
    await this.writeExpiry(this.expiryFile(runId, index), expiry);
  }

  private async writeExpiry(file: string, expiry: Record<string, number>): Promise<void> {
    const temporary = `${file}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify(expiry), { mode: 0o600 });
    await rename(temporary, file);
  }

  async sourcesFor(
    runId: string,
    artifacts: ReadonlyArray<{ index: number; record: ArtifactRecord }>,
  ): Promise<ArtifactInput[]> {
    return artifacts.map(({ index, record }) => ({
      name: record.name,
      source: { kind: 'file', path: join(this.stepDir(runId, index), record.name) },
    }));
  }

  async read(runId: string, index: number, record: ArtifactRecord): Promise<ArtifactContent | undefined> {
    const path = join(this.stepDir(runId, index), record.name);
    try {
      const info = await stat(path);
      const body = Readable.toWeb(createReadStream(path)) as ReadableStream<Uint8Array>;
      return { kind: 'stream', body, size: info.size };
    } catch {
      return undefined;
    }
  }

  async sweep(nowSeconds: number, runExists: (runId: string) => Promise<boolean>): Promise<number> {
    let removed = 0;
    const runs = await readdir(this.root).catch(() => [] as string[]);
    for (const runId of runs) {
      if (!RUN_ID_PATTERN.test(runId)) continue;
      const runDir = join(this.root, runId);
      if (!(await runExists(runId))) {
        await rm(runDir, { recursive: true, force: true });
        removed++;
        continue;
      }
      for (const file of await readdir(runDir).catch(() => [] as string[])) {
        const match = /^(\d+)\.expiry\.json$/.exec(file);
        if (!match) continue;
        removed += await this.sweepStep(runDir, match[1]!, nowSeconds);
      }
    }
    return removed;
  }

  private async sweepStep(runDir: string, index: string, nowSeconds: number): Promise<number> {
    const file = join(runDir, `${index}.expiry.json`);
    let expiry: Record<string, number>;
    try {
      expiry = JSON.parse(await readFile(file, 'utf8')) as Record<string, number>;
    } catch {
      return 0; // unreadable: its files go with the run
    }
    const kept: Record<string, number> = {};
    let removed = 0;
    for (const [name, expiresAt] of Object.entries(expiry)) {
      if (expiresAt > nowSeconds) kept[name] = expiresAt;
      else {
        await rm(join(runDir, index, name), { force: true });
        removed++;
      }
    }
    if (removed > 0) await this.writeExpiry(file, kept);
    return removed;
  }
}
