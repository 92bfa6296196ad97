import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, hookBody, startTestStack, type TestStack } from '../../support/stack.ts';
import type { ArtifactView } from '../../../functions/app/runArtifacts.ts';

/**
 * Artifacts: files a command step declares, kept with its run under `<dataDir>/artifacts`, listed
 * and downloaded through the API, given to later steps, removed with the run (README "Artifacts").
 */
let stack: TestStack;
let offsetMs = 0;
const DAY_MS = 24 * 3600 * 1000;

beforeAll(async () => {
  stack = await startTestStack({
    clock: { now: () => new Date(Date.now() + offsetMs) },
    settings: { retentionSeconds: 10 * 24 * 3600, artifactMaxBytes: 4096 },
  });
});
afterAll(async () => {
  await stack?.cleanup();
});

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const REPORT = '<h1>all green</h1>\n';

type Artifact = ArtifactView;

async function runJob(hookId: string, job: Record<string, unknown>) {
  const put = await stack.api('PUT', `/hooks/art/${hookId}`, hookBody(job));
  expect(put.status, JSON.stringify(put.body)).toBe(200);
  const fired = await stack.api<{ runId: string }>('POST', `/hooks/art/${hookId}/trigger`, {});
  expect(fired.status, JSON.stringify(fired.body)).toBe(200);
  return stack.waitForRunFinished(fired.body.runId);
}

async function artifactsOf(runId: string) {
  return stack.api<{ artifacts: Artifact[] }>('GET', `/runs/${runId}/artifacts`);
}

describe('artifacts', () => {
  let runId: string;

  it('are kept after the step, listed with size, SHA-256 and content type, and given to later steps', async () => {
    const run = await runJob('report', {
      tasks: [
        {
          name: 'build',
          command: `mkdir -p out logs && printf '${REPORT}' > out/report.html && printf abc > data.bin && echo a > logs/one.log && echo bb > logs/two.log`,
          artifacts: [
            { path: 'out/report.html' },
            { path: 'data.bin', name: 'blob', contentType: 'application/x-thing' },
            { path: 'logs/*.log', expiresInDays: 2 },
          ],
        },
        {
          name: 'publish',
          command: 'cat "$HOOKLINE_ARTIFACTS_DIR/report.html"; ls "$HOOKLINE_ARTIFACTS_DIR"',
        },
      ],
    });
    runId = run.runId;
    expect(run.result).toBe('succeeded');
    const list = await artifactsOf(runId);
    expect(list.status).toBe(200);
    expect(list.body.artifacts.map((a) => a.name)).toEqual(['report.html', 'blob', 'one.log', 'two.log']);
    expect(list.body.artifacts[0]).toMatchObject({
      index: 0,
      stepName: 'build',
      path: 'out/report.html',
      size: Buffer.byteLength(REPORT),
      sha256: sha256(REPORT),
      contentType: 'text/html; charset=utf-8',
    });
    expect(list.body.artifacts[1]).toMatchObject({
      size: 3,
      sha256: sha256('abc'),
      contentType: 'application/x-thing',
    });
    const logExpiry = Date.parse(list.body.artifacts[2]!.expiresAt);
    const reportExpiry = Date.parse(list.body.artifacts[0]!.expiresAt);
    expect(reportExpiry - logExpiry).toBeGreaterThan(7 * DAY_MS);

    expect(run.steps[1]!.output?.stdout).toBe(`${REPORT}blob\none.log\nreport.html\ntwo.log\n`);
  });

  it('are downloaded as attachments whose SHA-256 matches the listed one', async () => {
    const res = await fetch(`${stack.url}/api/hooks/v1/runs/${runId}/artifacts/report.html`, {
      headers: { authorization: bearer(stack.rootCredentials) },
    });
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(sha256(body)).toBe(sha256(REPORT));
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="report.html"');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-hookline-sha256')).toBe(sha256(REPORT));
    const missing = await stack.api<{ message: string }>('GET', `/runs/${runId}/artifacts/nope.txt`);
    expect(missing.status).toBe(404);
    expect(missing.body.message).toContain('has no artifact nope.txt');
  });

  it('need hooks:get-artifact for the hook', async () => {
    const made = await stack.api<{ accessToken: string }>('PUT', '/clients/reader', {
      scopes: ['hooks:get-run:art/*'],
    });
    const reader = { clientId: 'reader', accessToken: made.body.accessToken };
    expect((await stack.apiAs(reader, 'GET', `/runs/${runId}`)).status).toBe(200);
    const refused = await stack.apiAs<{ message: string }>(reader, 'GET', `/runs/${runId}/artifacts`);
    expect(refused.status).toBe(403);
    expect(JSON.stringify(refused.body)).toContain('hooks:get-artifact:art/report');
    expect((await stack.apiAs(reader, 'GET', `/runs/${runId}/artifacts/report.html`)).status).toBe(403);
  });

  it('a missing declared file is the step error, and nothing of the step is kept', async () => {
    const run = await runJob('missing', {
      task: {
        name: 'forgetful',
        command: 'echo made > other.txt',
        artifacts: [{ path: 'other.txt' }, { path: 'report.html' }],
      },
    });
    expect(run.result).toBe('failed');
    expect(run.steps[0]).toMatchObject({
      status: 'failed',
      error: { message: 'artifact report.html not found' },
    });
    expect((await artifactsOf(run.runId)).body.artifacts).toEqual([]);
    const glob = await runJob('empty-glob', {
      task: { name: 'none', command: 'true', artifacts: [{ path: '*.xml' }] },
    });
    expect(glob.steps[0]!.error?.message).toBe('artifact *.xml not found (no file matches)');
  });

  it('a path that escapes the working directory is refused: ../ at create time, a symlink out at the step', async () => {
    const put = await stack.api<{ message: string }>(
      'PUT',
      '/hooks/art/escape',
      hookBody({ task: { name: 'x', command: 'true', artifacts: [{ path: '../etc/passwd' }] } }),
    );
    expect(put.status).toBe(400);
    expect(put.body.message).toContain('may not leave the working directory');
    const run = await runJob('symlink', {
      task: { name: 'sneaky', command: 'ln -s /etc/passwd leak', artifacts: [{ path: 'leak' }] },
    });
    expect(run.steps[0]!.error?.message).toBe('artifact leak is outside the working directory (refused)');
    expect((await artifactsOf(run.runId)).body.artifacts).toEqual([]);
  });

  it('a file over the size limit is the step error', async () => {
    const run = await runJob('big', {
      task: { name: 'big', command: 'head -c 5000 /dev/zero > big.bin', artifacts: [{ path: 'big.bin' }] },
    });
    expect(run.steps[0]!.error?.message).toBe('artifact big.bin is 5000 bytes, more than the limit of 4096');
  });

  it('a name an earlier step kept is the later step error', async () => {
    const run = await runJob('twice', {
      tasks: [
        { name: 'one', command: 'echo 1 > a.txt', artifacts: [{ path: 'a.txt' }] },
        { name: 'two', command: 'echo 2 > a.txt', artifacts: [{ path: 'a.txt' }] },
      ],
    });
    expect(run.steps[1]!.error?.message).toBe(
      'artifact name a.txt is already kept by step 0 of this run; give it another name',
    );
  });

  it('expire when they say so, and go with their run', async () => {
    const runDir = join(stack.dataDir!, 'artifacts', runId);
    expect(readdirSync(join(runDir, '0')).sort()).toEqual(['blob', 'one.log', 'report.html', 'two.log']);
    offsetMs = 3 * DAY_MS; // past the logs' two days, not the run's ten
    await stack.sweepExpired();
    expect((await artifactsOf(runId)).body.artifacts.map((a) => a.name)).toEqual(['report.html', 'blob']);
    expect(readdirSync(join(runDir, '0')).sort()).toEqual(['blob', 'report.html']);
    expect((await stack.api('GET', `/runs/${runId}/artifacts/one.log`)).status).toBe(404);

    offsetMs = 11 * DAY_MS; // past the run's retention: its records and its artifacts go
    await stack.sweepExpired();
    expect((await stack.api('GET', `/runs/${runId}`)).status).toBe(404);
    expect((await artifactsOf(runId)).status).toBe(404);
    expect(existsSync(runDir)).toBe(false);
  });
});
