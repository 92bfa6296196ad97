import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { hookBody, startTestStack, type TestStack, tempDataDir } from '../../support/stack.ts';
import { buildHookline, type Hookline } from './hookline.ts';

/** `hookline artifacts ls|get` against a real local stack whose run kept a file. */
let stack: TestStack;
let dataDir: string;
let hookline: Hookline;
let runId: string;
let workDir: string;
const REPORT = 'backup report: 3 tables, 1,204 rows\n';

beforeAll(async () => {
  dataDir = tempDataDir('hookline-cli-artifacts-');
  workDir = mkdtempSync(join(tmpdir(), 'hookline-cli-download-'));
  [stack, hookline] = await Promise.all([startTestStack({ dataDir }), buildHookline()]);
  await stack.api(
    'PUT',
    '/hooks/cli/report',
    hookBody({
      task: {
        name: 'report',
        command: ['sh', '-c', `printf '${REPORT.replace('\n', '\\n')}' > report.txt`],
        artifacts: [{ path: 'report.txt' }],
      },
    }),
  );
  const fired = await stack.api<{ runId: string }>('POST', '/hooks/cli/report/trigger', {});
  runId = fired.body.runId;
  expect((await stack.waitForRunFinished(runId)).result).toBe('succeeded');
});
afterAll(async () => {
  await stack?.cleanup();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(workDir, { recursive: true, force: true });
});

const run = (...args: string[]) => hookline.run(['--data-dir', dataDir, ...args], { cwd: workDir });

it('lists a run’s artifacts, as a table and as JSON', async () => {
  const listed = await run('artifacts', 'ls', runId);
  expect(listed.code).toBe(0);
  expect(listed.stdout).toMatch(/NAME\s+STEP\s+SIZE/);
  expect(listed.stdout).toMatch(new RegExp(`report\\.txt\\s+0 report\\s+${REPORT.length}\\s+text/plain`));
  const asJson = await run('--json', 'artifacts', 'ls', runId);
  const body = JSON.parse(asJson.stdout) as { artifacts: Array<{ name: string; sha256: string }> };
  expect(body.artifacts.map((a) => a.name)).toEqual(['report.txt']);
  expect(body.artifacts[0]!.sha256).toBe(createHash('sha256').update(REPORT).digest('hex'));
});

it('downloads one into the current directory, checked against its SHA-256, and never overwrites', async () => {
  const got = await run('artifacts', 'get', runId, 'report.txt');
  expect(got.code).toBe(0);
  expect(readFileSync(join(workDir, 'report.txt'), 'utf8')).toBe(REPORT);
  expect(got.stdout).toContain(createHash('sha256').update(REPORT).digest('hex'));
  const again = await run('artifacts', 'get', runId, 'report.txt');
  expect(again.code).toBe(2);
  expect(again.stderr).toContain('exists');
  const toStdout = await run('artifacts', 'get', runId, 'report.txt', '-o', '-');
  expect(toStdout.stdout).toBe(REPORT);
});

it('says when the run has no such artifact (exit 1), writing nothing', async () => {
  const missing = await run('artifacts', 'get', runId, 'nope.txt');
  expect(missing.code).toBe(1);
  expect(missing.stderr).toContain('no artifact nope.txt');
  expect(existsSync(join(workDir, 'nope.txt'))).toBe(false);
});
