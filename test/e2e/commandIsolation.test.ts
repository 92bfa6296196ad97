import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveRunAsUser } from '../../functions/adapters/local/runAsUser.ts';
import { parsePassEnv } from '../../functions/app/commandEnvironment.ts';
import type { RunStatusView } from '../../functions/app/runQueries.ts';
import { createLocalStack } from '../../infra/local/localStack.ts';
import { scratchPrefixFor } from '../../infra/local/scratchDirectories.ts';
import { hookBody, startTestStack, type TestStack, tempDataDir } from '../support/stack.ts';

/**
 * A command step gets an explicit environment and a fresh working directory, and with `--run-as`
 * runs as another user who cannot read the data directory (README, "What a command step can and
 * cannot reach").
 */
let counter = 0;

async function runJob(stack: TestStack, job: Record<string, unknown>): Promise<RunStatusView> {
  const hookId = `iso-${++counter}`;
  const created = await stack.api('PUT', `/hooks/iso/${hookId}`, hookBody(job));
  expect(created.status, JSON.stringify(created.body)).toBe(200);
  const fired = await stack.api<{ runId: string }>('POST', `/hooks/iso/${hookId}/trigger`, {});
  expect(fired.status, JSON.stringify(fired.body)).toBe(200);
  return stack.waitForRunFinished(fired.body.runId, 30_000);
}

function processState(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0]!;
  } catch {
    return 'gone';
  }
}

function envOf(stdout: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of stdout.split('\n').filter(Boolean)) {
    const eq = line.indexOf('=');
    env[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return env;
}

describe('the environment of a command', () => {
  let stack: TestStack;
  const saved = { ...process.env };
  beforeAll(async () => {
    // What the server process holds; none of it may reach a command unless listed.
    process.env.AWS_SECRET_ACCESS_KEY = 'process-secret';
    process.env.HOOKLINE_SERVER_ONLY = 'process-only';
    stack = await startTestStack({
      dataDir: null,
      environment: {
        PATH: process.env.PATH,
        HOME: '/home/operator',
        LANG: 'C.UTF-8',
        TZ: 'Europe/Paris',
        USER: 'operator',
        SHELL: '/bin/bash',
        AWS_ACCESS_KEY_ID: 'AKIASERVER',
        AWS_SECRET_ACCESS_KEY: 'server-secret',
        AWS_SESSION_TOKEN: 'server-session',
        DATABASE_URL: 'postgres://server',
        PASSED_ONE: 'passed value',
      },
      passEnv: ['PASSED_ONE', 'NOT_SET_ANYWHERE'],
    });
  });
  afterAll(async () => {
    await stack.cleanup();
    process.env = saved;
  });

  it('is the base variables, the passed names, the job and step env and HOOKLINE_*, nothing else', async () => {
    const run = await runJob(stack, {
      env: { JOB_VAR: 'job' },
      task: { name: 'print env', command: ['env'], env: { STEP_VAR: 'step' } },
    });
    expect(run.result).toBe('succeeded');
    const env = envOf(run.steps[0]!.output!.stdout!);
    expect(Object.keys(env).sort()).toEqual(
      [
        'PATH',
        'HOME',
        'LANG',
        'TZ',
        'USER',
        'SHELL',
        'PASSED_ONE',
        'JOB_VAR',
        'STEP_VAR',
        'HOOKLINE_HOOK_GROUP_ID',
        'HOOKLINE_HOOK_ID',
        'HOOKLINE_RUN_ID',
        'HOOKLINE_STEP_INDEX',
        'HOOKLINE_STEP_NAME',
        'HOOKLINE_PHASE',
        'HOOKLINE_FIRED_BY',
        'HOOKLINE_JOB_STATUS',
      ].sort(),
    );
    expect(env).toMatchObject({
      HOME: '/home/operator',
      TZ: 'Europe/Paris',
      PASSED_ONE: 'passed value',
      JOB_VAR: 'job',
      STEP_VAR: 'step',
      HOOKLINE_HOOK_GROUP_ID: 'iso',
      HOOKLINE_RUN_ID: run.runId,
      HOOKLINE_PHASE: 'task',
    });
    expect(Object.keys(env).filter((name) => name.startsWith('AWS_'))).toEqual([]);
  });

  it('runs in a fresh 0700 directory per command, removed when the command ends', async () => {
    const probe = ['sh', '-c', 'pwd; stat -c %a .; touch made-here'];
    const run = await runJob(stack, {
      tasks: [
        { name: 'first', command: probe },
        { name: 'second', command: probe },
      ],
    });
    expect(run.result).toBe('succeeded');
    const [first, second] = run.steps.map((s) => s.output!.stdout!.trim().split('\n'));
    expect(first![0]).toMatch(new RegExp(`^${tmpdir()}/hookline-step-`));
    expect(first![1]).toBe('700');
    expect(second![0]).not.toBe(first![0]);
    expect(existsSync(first![0]!)).toBe(false);
    expect(existsSync(second![0]!)).toBe(false);
  });

  it('with a data directory, in a directory named after it; what a killed stack left there goes at the next start', async () => {
    const dataDir = tempDataDir('hookline-scratch-');
    const prefix = scratchPrefixFor(dataDir);
    const leftover = join(tmpdir(), `${prefix}step-left`);
    mkdirSync(join(leftover, 'deep'), { recursive: true });
    writeFileSync(join(leftover, 'deep', 'file'), 'from a stack killed while its command ran');
    const own = await startTestStack({ dataDir });
    try {
      expect(existsSync(leftover)).toBe(false);
      const run = await runJob(own, { task: { name: 'where', command: ['pwd'] } });
      expect(run.steps[0]!.output!.stdout).toMatch(new RegExp(`^${tmpdir()}/${prefix}step-`));
    } finally {
      await own.cleanup();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it("runs in the step's cwd when it sets one (and leaves it in place)", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hookline-own-cwd-'));
    try {
      const run = await runJob(stack, { task: { name: 'here', command: ['pwd'], cwd: dir } });
      expect(run.steps[0]!.output!.stdout).toBe(`${dir}\n`);
      expect(existsSync(dir)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a timed-out command is still killed with its process group', async () => {
    const run = await runJob(stack, {
      task: { name: 'hangs', command: ['sh', '-c', 'sleep 30 & echo $!; sleep 30'], timeoutSeconds: 1 },
    });
    expect(run.steps[0]!.status).toBe('timed_out');
    expect(run.steps[0]!.reason).toBe('timed out after 1 s');
    const orphan = Number(run.steps[0]!.output!.stdout!.trim());
    expect(orphan).toBeGreaterThan(0);
    // Gone, or a zombie waiting for its new parent to reap it: either way no longer running.
    expect(processState(orphan)).toMatch(/^(gone|Z)$/);
  });
});

describe('--pass-env', () => {
  it('takes NAME[,NAME] and refuses AWS_* and HOOKLINE_* names and non-names', () => {
    expect(parsePassEnv('A, B_2,A')).toEqual(['A', 'B_2']);
    expect(parsePassEnv(undefined)).toEqual([]);
    expect(() => parsePassEnv('AWS_SECRET_ACCESS_KEY')).toThrow(
      /AWS_SECRET_ACCESS_KEY.*never reach a command/,
    );
    expect(() => parsePassEnv('HOOKLINE_RUN_AS')).toThrow(/HOOKLINE_RUN_AS/);
    expect(() => parsePassEnv('NOT-A-NAME')).toThrow(/not an environment variable name/);
  });

  it('the stack refuses to start with a name it may not pass', async () => {
    await expect(
      createLocalStack({ dataDir: null, port: 0, passEnv: ['AWS_ACCESS_KEY_ID'] }),
    ).rejects.toThrow(/AWS_ACCESS_KEY_ID/);
  });
});

describe('the data directory', () => {
  it('is made 0700, even when it existed with a wider mode', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'hookline-mode-'));
    const dataDir = join(parent, 'data');
    mkdirSync(dataDir, { mode: 0o755 });
    chmodSync(dataDir, 0o755);
    const stack = await startTestStack({ dataDir });
    try {
      expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    } finally {
      await stack.cleanup();
      rmSync(parent, { recursive: true, force: true });
    }
  });
});

describe('--run-as', () => {
  it('is refused when the stack does not run as root, or for an unknown user or root', () => {
    expect(() => resolveRunAsUser('nobody', 1000)).toThrow(/must run as root/);
    expect(() => resolveRunAsUser('no-such-user-here', 0)).toThrow(/no such user/);
    expect(() => resolveRunAsUser('root', 0)).toThrow(/is root/);
  });

  const asRoot = process.getuid?.() === 0;
  describe.runIf(asRoot)('when the stack runs as root', () => {
    let stack: TestStack;
    let parent: string;
    beforeAll(async () => {
      parent = mkdtempSync(join(tmpdir(), 'hookline-run-as-'));
      chmodSync(parent, 0o755);
      stack = await startTestStack({ dataDir: join(parent, 'data'), runAs: 'nobody' });
    });
    afterAll(async () => {
      await stack.cleanup();
      rmSync(parent, { recursive: true, force: true });
    });

    it("runs commands as that user, with that user's HOME and USER, in a directory that user owns", async () => {
      const nobody = resolveRunAsUser('nobody', 0);
      const run = await runJob(stack, {
        task: { name: 'who', command: ['sh', '-c', 'id -u; id -g; stat -c %u .; echo "$HOME $USER"'] },
      });
      expect(run.result).toBe('succeeded');
      expect(run.steps[0]!.output!.stdout!.split('\n')).toEqual([
        String(nobody.uid),
        String(nobody.gid),
        String(nobody.uid),
        `${nobody.home} nobody`,
        '',
      ]);
    });

    it('a command cannot read the data directory', async () => {
      const run = await runJob(stack, {
        task: { name: 'peek', command: ['cat', join(stack.dataDir!, 'service.key')] },
      });
      expect(run.steps[0]!.status).toBe('failed');
      expect(run.steps[0]!.output!.stderr).toMatch(/Permission denied/);
    });

    it("a command cannot read the server process's environment", async () => {
      const run = await runJob(stack, {
        task: { name: 'peek', command: ['cat', `/proc/${process.pid}/environ`] },
      });
      expect(run.steps[0]!.status).toBe('failed');
      expect(run.steps[0]!.output!.stderr).toMatch(/Permission denied/);
    });

    it('an unknown user is refused at start', async () => {
      await expect(createLocalStack({ dataDir: null, port: 0, runAs: 'no-such-user-here' })).rejects.toThrow(
        /no such user/,
      );
    });
  });
});
