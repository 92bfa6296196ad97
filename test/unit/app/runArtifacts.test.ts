import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArtifactDirectory } from '../../../functions/adapters/local/artifactDirectory.ts';
import { beginRun } from '../../../functions/app/beginRun.ts';
import { getRunArtifact, listRunArtifacts } from '../../../functions/app/runArtifacts.ts';
import { runStep } from '../../../functions/app/runStep.ts';
import type { Services } from '../../../functions/app/services.ts';
import { firedRun } from './firedRun.ts';
import { type InProcessServices, inProcessServices } from './inProcessServices.ts';

/**
 * A run's kept files (functions/app/runArtifacts.ts), kept by real command steps run in process: the
 * list, one file's content, expiry by the injected clock, and the 404s.
 */
let env: InProcessServices;
let root: string;
let services: Services;
let runId: string;
beforeAll(async () => {
  env = await inProcessServices();
  root = mkdtempSync(join(tmpdir(), 'hookline-run-artifacts-'));
  services = { ...env.services, artifacts: new ArtifactDirectory(root) };
  runId = await firedRun(services, 'art', 'build', {
    preHooks: [
      {
        name: 'make',
        command: 'mkdir out && echo built > out/app.txt && echo short > note.txt',
        artifacts: [{ path: 'out/*.txt' }, { path: 'note.txt', name: 'note', expiresInDays: 1 }],
      },
    ],
    task: { name: 'use', command: 'cat "$HOOKLINE_ARTIFACTS_DIR/app.txt"' },
  });
  await beginRun(services, runId);
  for (const index of [0, 1]) await runStep(services, { runId, index });
});
afterAll(async () => {
  await env?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('run artifacts', () => {
  it('a later step was given the earlier step’s file', async () => {
    expect((await services.store.getStepOutput(runId, 1))?.stdout).toBe('built\n');
  });

  it('lists the kept files with the step that kept each and when each expires', async () => {
    const listed = await listRunArtifacts(services, runId);
    expect(listed.map((a) => [a.name, a.index, a.stepName, a.path, a.size])).toEqual([
      ['app.txt', 0, 'make', 'out/app.txt', 6],
      ['note', 0, 'make', 'note.txt', 6],
    ]);
    const noteExpiry = Date.parse(listed[1]!.expiresAt);
    expect(noteExpiry).toBeLessThan(Date.parse(listed[0]!.expiresAt));
    expect(listed[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('gives one file’s content; a bad name is a 400, an unknown one a 404', async () => {
    const { artifact, content } = await getRunArtifact(services, runId, 'app.txt');
    expect(artifact.name).toBe('app.txt');
    expect(await new Response((content as { body: ReadableStream<Uint8Array> }).body).text()).toBe('built\n');
    await expect(getRunArtifact(services, runId, '../etc/passwd')).rejects.toMatchObject({
      code: 'InputError',
    });
    await expect(getRunArtifact(services, runId, 'nope.txt')).rejects.toMatchObject({
      code: 'ResourceNotFound',
      message: `run ${runId} has no artifact nope.txt (or it expired)`,
    });
  });

  it('a file past its expiry is no longer listed or served; one whose file is gone is a 404', async () => {
    env.clock.advance(2 * 86_400_000);
    expect((await listRunArtifacts(services, runId)).map((a) => a.name)).toEqual(['app.txt']);
    await expect(getRunArtifact(services, runId, 'note')).rejects.toMatchObject({ code: 'ResourceNotFound' });
    rmSync(join(root, runId), { recursive: true, force: true });
    await expect(getRunArtifact(services, runId, 'app.txt')).rejects.toMatchObject({
      code: 'ResourceNotFound',
      message: `artifact app.txt of run ${runId} is no longer kept`,
    });
  });
});
