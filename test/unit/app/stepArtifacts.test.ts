import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArtifactDirectory } from '../../../functions/adapters/local/artifactDirectory.ts';
import {
  earlierArtifacts,
  prepareStepArtifacts,
  recordStepArtifacts,
} from '../../../functions/app/stepArtifacts.ts';
import type { Services } from '../../../functions/app/services.ts';
import type { ArtifactRecord } from '../../../functions/core/artifacts.ts';
import { stepSchema } from '../../../functions/core/job.ts';
import type { PlannedStep, RunRecord, StepRecord } from '../../../functions/core/runModel.ts';
import { type InProcessServices, inProcessServices } from './inProcessServices.ts';

/** A step's artifacts as the step runner sees them (functions/app/stepArtifacts.ts). */
let env: InProcessServices;
let root: string;
let withStore: Services;
beforeAll(async () => {
  env = await inProcessServices();
  root = mkdtempSync(join(tmpdir(), 'hookline-step-artifacts-'));
  withStore = { ...env.services, artifacts: new ArtifactDirectory(root) };
});
afterAll(async () => {
  await env?.close();
  rmSync(root, { recursive: true, force: true });
});

const run = { runId: 'run-1' } as RunRecord;
const planned = (index: number, step: Record<string, unknown>): PlannedStep => ({
  index,
  phase: 'task',
  name: String(step.name),
  critical: true,
  continueOnFailure: false,
  runOnFailure: false,
  timeoutSeconds: 10,
  step: stepSchema.parse(step),
});
const kept = (name: string): ArtifactRecord => ({
  name,
  path: `out/${name}`,
  size: 1,
  sha256: 'h',
  contentType: 'text/plain',
  expiresAt: 2_000_000_000,
});
const steps: StepRecord[] = [
  { runId: 'run-1', index: 0, phase: 'pre', name: 'a', status: 'succeeded', artifacts: [kept('a.txt')] },
  { runId: 'run-1', index: 1, phase: 'task', name: 'b', status: 'succeeded' },
  { runId: 'run-1', index: 2, phase: 'task', name: 'c', status: 'succeeded', artifacts: [kept('c.txt')] },
];

describe('earlierArtifacts', () => {
  it('lists the artifacts of the steps before the index, with the step that kept each', () => {
    expect(earlierArtifacts(steps, 2)).toEqual([{ index: 0, record: kept('a.txt') }]);
    expect(earlierArtifacts(steps, 3).map((e) => e.index)).toEqual([0, 2]);
    expect(earlierArtifacts(steps, 0)).toEqual([]);
  });
});

describe('prepareStepArtifacts', () => {
  it('a step that is no command has nothing to prepare', async () => {
    expect(
      await prepareStepArtifacts(
        withStore,
        run,
        planned(3, { name: 'h', event: { source: 's', detailType: 'd' } }),
        steps,
      ),
    ).toEqual({
      ok: true,
    });
  });

  it('without an artifact store a step declaring artifacts is told to remove them; one without is fine', async () => {
    const declaring = planned(3, { name: 'k', command: ['true'], artifacts: [{ path: 'out.txt' }] });
    expect(await prepareStepArtifacts(env.services, run, declaring, steps)).toEqual({
      ok: false,
      message: 'this deployment keeps no artifacts (no artifact store): remove `artifacts`',
    });
    expect(
      await prepareStepArtifacts(env.services, run, planned(3, { name: 'k', command: ['true'] }), steps),
    ).toEqual({
      ok: true,
    });
  });

  it('gives a declaring step its target and size limit, and every step the earlier files', async () => {
    const io = await prepareStepArtifacts(
      withStore,
      run,
      planned(3, { name: 'k', command: ['true'], artifacts: [{ path: 'out.txt' }] }),
      steps,
    );
    expect(io).toEqual({
      ok: true,
      artifacts: {
        declared: [{ path: 'out.txt' }],
        maxBytes: env.services.settings.artifactMaxBytes,
        target: { kind: 'directory', path: join(root, 'run-1', '3') },
      },
      artifactInputs: [
        { name: 'a.txt', source: { kind: 'file', path: join(root, 'run-1', '0', 'a.txt') } },
        { name: 'c.txt', source: { kind: 'file', path: join(root, 'run-1', '2', 'c.txt') } },
      ],
    });
    expect(
      await prepareStepArtifacts(withStore, run, planned(0, { name: 'k', command: ['true'] }), steps),
    ).toEqual({
      ok: true,
    });
  });
});

describe('recordStepArtifacts', () => {
  const collected = (name: string, expiresInDays?: number) => ({
    name,
    path: name,
    size: 3,
    sha256: 'h',
    contentType: 'text/plain',
    ...(expiresInDays ? { expiresInDays } : {}),
  });

  it('each record expires with the run’s records unless it says sooner, and the store is told', async () => {
    const finishedAt = 1_900_000_000;
    mkdirSync(join(root, 'run-1', '3'), { recursive: true }); // where the runner put the files
    const outcome = await recordStepArtifacts(
      withStore,
      run,
      planned(3, { name: 'k', command: ['true'] }),
      steps,
      [collected('x.txt'), collected('y.txt', 1)],
      finishedAt,
    );
    const retention = env.services.settings.retentionSeconds;
    expect(outcome).toEqual({
      ok: true,
      records: [
        { ...collected('x.txt'), expiresAt: finishedAt + retention },
        {
          name: 'y.txt',
          path: 'y.txt',
          size: 3,
          sha256: 'h',
          contentType: 'text/plain',
          expiresAt: finishedAt + 86_400,
        },
      ],
    });
    expect(JSON.parse(readFileSync(join(root, 'run-1', '3.expiry.json'), 'utf8'))).toEqual({
      'x.txt': finishedAt + retention,
      'y.txt': finishedAt + 86_400,
    });
  });

  it('a name an earlier step already kept is the step’s error, naming that step', async () => {
    expect(
      await recordStepArtifacts(
        withStore,
        run,
        planned(3, { name: 'k', command: ['true'] }),
        steps,
        [collected('c.txt')],
        0,
      ),
    ).toEqual({
      ok: false,
      message: 'artifact name c.txt is already kept by step 2 of this run; give it another name',
    });
  });
});
