import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack, tempDataDir } from '../../support/stack.ts';
import { buildHookline, type Hookline, ROOT } from './hookline.ts';

/** `hookline apply` and `hookline export`: hooks as files, against a real local stack. */
let stack: TestStack;
let dataDir: string;
let hookline: Hookline;
let work: string;
const run = (...args: string[]) => hookline.run(['--data-dir', dataDir, ...args], { cwd: work });

beforeAll(async () => {
  dataDir = tempDataDir('hookline-apply-stack-');
  work = mkdtempSync(join(tmpdir(), 'hookline-apply-'));
  [stack, hookline] = await Promise.all([startTestStack({ dataDir }), buildHookline()]);
});
afterAll(async () => {
  await stack?.cleanup();
  rmSync(dataDir, { recursive: true, force: true });
});

const hook = (hookId: string, extra = '') => `- hookGroupId: files
  hookId: ${hookId}
  metadata: {name: ${hookId}, description: from a file, owner: files@example.com}
  task: {task: {name: say, command: [echo, ${hookId}]}}
${extra}`;

describe('hookline apply', () => {
  it('creates, then changes nothing on a second apply, then updates what differs', async () => {
    mkdirSync(join(work, 'hooks'));
    writeFileSync(
      join(work, 'hooks', 'a.yaml'),
      hook('one') + hook('two', "  schedule: ['cron(0 3 * * ? *)']\n"),
    );
    writeFileSync(
      join(work, 'hooks', 'b.json'),
      JSON.stringify({
        hookGroupId: 'files',
        hookId: 'three',
        metadata: { name: 'three', description: 'd', owner: 'f@example.com' },
        task: { task: { name: 't', command: ['true'] } },
      }),
    );
    const dry = await run('apply', '-f', 'hooks', '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('+ create files/one  (hooks/a.yaml:1)');
    expect(dry.stdout).toContain('would change (dry run): 3 created');
    expect((await stack.api('GET', '/hooks/files')).status).toBe(404);

    const first = await run('apply', '-f', 'hooks');
    expect(first.stderr).toBe('');
    expect(first.stdout).toBe(
      '+ create files/one  (hooks/a.yaml:1)\n+ create files/two  (hooks/a.yaml:5)\n+ create files/three  (hooks/b.json)\n3 created, 0 updated, 0 deleted, 0 unchanged\n',
    );
    expect((await stack.api('GET', '/hooks/files/two')).body).toMatchObject({
      schedule: ['cron(0 3 * * ? *)'],
    });

    const again = await run('--json', 'apply', '-f', 'hooks');
    expect(JSON.parse(again.stdout).summary).toEqual({
      hookTypes: 0,
      created: 0,
      updated: 0,
      deleted: 0,
      unchanged: 3,
    });
    const versions = await stack.api<{ history: unknown[] }>('GET', '/hooks/files/two/history');
    expect(versions.body.history).toHaveLength(1); // nothing was written

    writeFileSync(join(work, 'hooks', 'a.yaml'), hook('one', '  catchUp: none\n') + hook('two'));
    const changed = await run('apply', '-f', 'hooks');
    expect(changed.stdout).toContain(
      '~ update files/one  (hooks/a.yaml:1)\n    catchUp: "latest" → "none"\n',
    );
    // a field the file no longer gives goes back to its default
    expect(changed.stdout).toContain(
      '~ update files/two  (hooks/a.yaml:6)\n    schedule: ["cron(0 3 * * ? *)"] → []\n',
    );
    expect(changed.stdout).toContain('0 created, 2 updated, 0 deleted, 1 unchanged');
    expect((await stack.api('GET', '/hooks/files/two')).body).toMatchObject({ schedule: [] });
  });

  it('--prune removes the hooks of the listed groups that no file defines', async () => {
    await stack.api('PUT', '/hooks/files/stray', {
      metadata: { name: 's', description: 'd', owner: 'f@example.com' },
      task: { task: { name: 't', command: ['true'] } },
    });
    await stack.api('PUT', '/hooks/other/kept', {
      metadata: { name: 'k', description: 'd', owner: 'f@example.com' },
      task: { task: { name: 't', command: ['true'] } },
    });
    const withoutPrune = await run('apply', '-f', 'hooks');
    expect(withoutPrune.stdout).not.toContain('- delete');
    const pruned = await run('apply', '-f', 'hooks', '--prune');
    expect(pruned.stdout).toContain('- delete files/stray  (no file defines it)\n');
    expect(pruned.stdout).toContain('0 created, 0 updated, 1 deleted, 3 unchanged');
    expect((await stack.api('GET', '/hooks/files/stray')).status).toBe(404);
    expect((await stack.api('GET', '/hooks/other/kept')).status).toBe(200);
  });

  it('export GROUP writes a hook file that apply reads back without a change', async () => {
    const created = await stack.api('PUT', '/hooks/exported/full', {
      metadata: { name: 'full', description: 'every field', owner: 'e@example.com', emailOnError: false },
      schedule: ['30 4 * * 1'],
      scheduleTimezone: 'Europe/Paris',
      bindings: [{ source: ['app'] }],
      triggerSchema: { type: 'object', properties: { n: { type: 'integer', default: 1 } } },
      concurrency: { limit: 2, onLimit: 'queue' },
      task: { task: { name: 'n', command: ['echo', { $eval: 'firedBy' }] } },
    });
    expect(created.status).toBe(200);
    const exported = await run('export', 'exported');
    expect(exported.code).toBe(0);
    expect(exported.stdout).toMatch(/^- hookGroupId: exported\n {2}hookId: full\n/);
    writeFileSync(join(work, 'exported.yaml'), exported.stdout);
    await stack.api('DELETE', '/hooks/exported/full');
    const recreated = await run('apply', '-f', 'exported.yaml');
    expect(recreated.stdout).toContain('1 created');
    const roundTrip = await run('apply', '-f', 'exported.yaml');
    expect(roundTrip.stdout).toBe(
      '= unchanged exported/full\n0 created, 0 updated, 0 deleted, 1 unchanged\n',
    );
    expect((await run('export', 'exported')).stdout).toBe(exported.stdout);
  });

  it('says local mistakes with file and line (exit 2), and refuses a hook defined twice', async () => {
    writeFileSync(join(work, 'broken.yaml'), '- hookGroupId: g\n  hookId: h\n  metadata: {name: x\n');
    const broken = await run('apply', '-f', 'broken.yaml');
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/^error: broken\.yaml:\d+:\d+: YAML error: /);
    writeFileSync(join(work, 'noid.yaml'), 'metadata: {name: x, description: d, owner: a@example.com}\n');
    const noId = await run('apply', '-f', 'noid.yaml');
    expect(noId.code).toBe(2);
    expect(noId.stderr).toBe(
      'error: noid.yaml:1: the hook has no "hookGroupId" (each hook in a file names its hookGroupId)\n',
    );
    writeFileSync(join(work, 'twice.yaml'), hook('same') + hook('same'));
    const twice = await run('apply', '-f', 'twice.yaml');
    expect(twice.code).toBe(2);
    expect(twice.stderr).toBe('error: twice.yaml:5: hook files/same is already defined at twice.yaml:1\n');
    expect((await run('apply', '-f', 'missing.yaml')).stderr).toBe(
      'error: missing.yaml: no such file or directory\n',
    );
    expect((await run('apply')).code).toBe(2);
  });

  it('an invalid hook is the API error, and the hooks before it stay applied', async () => {
    writeFileSync(join(work, 'typo.yaml'), hook('fine') + hook('typo', '  comand: [true]\n'));
    const typo = await run('apply', '-f', 'typo.yaml');
    expect(typo.code).toBe(1);
    expect(typo.stderr).toBe(
      'error: InputValidationError (HTTP 400): invalid hook definition: unknown field(s) "comand"\n',
    );
    expect((await stack.api('GET', '/hooks/files/fine')).status).toBe(200);
  });
});

describe('examples/hooks', () => {
  it('loads on a fresh stack, and every example runs', async () => {
    const fresh = await startTestStack();
    try {
      const at = (...args: string[]) => hookline.run(['--data-dir', fresh.dataDir!, ...args], { cwd: ROOT });
      const applied = await at('apply', '-f', 'examples/hooks');
      expect(applied.stderr).toBe('');
      expect(applied.stdout).toContain('+ hook type counter');
      expect(applied.stdout).toContain('1 hook type(s) stored, 3 created, 0 updated, 0 deleted, 0 unchanged');
      const again = await at('apply', '-f', 'examples/hooks');
      expect(again.stdout).toContain('0 created, 0 updated, 0 deleted, 3 unchanged');
      expect(again.stdout).toContain('= hook type counter');

      const backup = (await at('trigger', 'backups', 'nightly')).stdout.trim();
      expect(await fresh.waitForRunFinished(backup)).toMatchObject({
        result: 'succeeded',
        counts: { total: 3, succeeded: 3 },
      });
      const deploy = (
        await at('trigger', 'deploys', 'web', '{"branch":"main","sha":"abc1234"}')
      ).stdout.trim();
      expect((await fresh.waitForRunFinished(deploy)).result).toBe('succeeded');
      expect((await at('logs', deploy)).stdout).toBe('deploying abc1234\n');
      const visit = (await at('trigger', 'counters', 'visits')).stdout.trim();
      expect((await fresh.waitForRunFinished(visit)).result).toBe('succeeded');
      expect(JSON.parse((await at('--json', 'config', 'get', 'counters', 'visits')).stdout)).toEqual({
        count: 1,
        step: 1,
      });
      // the counted config is the hook's own state: applying the files again leaves it alone
      expect((await at('apply', '-f', 'examples/hooks')).stdout).toContain('3 unchanged');
    } finally {
      await fresh.cleanup();
    }
  });
});
