import type { ChildProcess } from 'node:child_process';
import { existsSync, readlinkSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LocalCommandRunner } from '../../../../functions/adapters/local/localCommandRunner.ts';
import { SpawnPool, startSpawnHelper } from '../../../../functions/adapters/local/spawnPool.ts';
import type { StepProcess } from '../../../../functions/core/runModel.ts';
import type { CommandRequest } from '../../../../functions/ports/commandRunner.ts';
import { groupRuns } from '../../../support/processRuns.ts';

/** The local command runner on the pool of spawn helpers: command.ts's guarantees hold there too. */
const helpers: ChildProcess[] = [];
let pool: SpawnPool;
const groups: number[] = [];

function runner(): LocalCommandRunner {
  pool = new SpawnPool({
    helpers: 2,
    startHelper: async () => {
      const helper = await startSpawnHelper();
      helpers.push(helper);
      return helper;
    },
  });
  return new LocalCommandRunner(undefined, pool);
}

const request = (command: CommandRequest['command'], more: Partial<CommandRequest> = {}): CommandRequest => ({
  command,
  env: { PATH: '/usr/bin:/bin' },
  stdin: '{}',
  timeoutMs: 30_000,
  outputLimitBytes: 1 << 20,
  ...more,
});

afterEach(async () => {
  for (const pgid of groups.splice(0)) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  helpers.length = 0;
  await pool.close();
});

describe('LocalCommandRunner on spawn helpers', () => {
  it('runs the command in a fresh 0700 directory removed after it, and records its process group', async () => {
    const started: StepProcess[] = [];
    const outcome = await runner().run(request('pwd; stat -c %a .'), new AbortController().signal, {
      onProcessStarted: (group) => started.push(group),
    });
    expect(outcome.status).toBe('succeeded');
    const [directory, mode] = outcome.output.stdout!.trim().split('\n');
    expect(directory).toMatch(/hookline-step-/);
    expect(mode).toBe('700');
    expect(existsSync(directory!)).toBe(false);
    expect(started).toEqual([
      expect.objectContaining({ pgid: expect.any(Number), bootId: expect.any(String) }),
    ]);
  });

  it('removes the directory with whatever the command left in it', async () => {
    const outcome = await runner().run(
      request('mkdir -p a/b; echo x > a/b/c; pwd'),
      new AbortController().signal,
    );
    expect(outcome.status).toBe('succeeded');
    const directory = outcome.output.stdout!.trim();
    expect(directory).toMatch(/hookline-step-/);
    expect(existsSync(directory)).toBe(false);
  });

  it('streams live output as it is read', async () => {
    const grown: number[] = [];
    const outcome = await runner().run(
      request(['/bin/sh', '-c', 'echo one; echo two >&2']),
      new AbortController().signal,
      {
        onOutput: (_current, bytes) => grown.push(bytes),
      },
    );
    expect(outcome).toMatchObject({
      status: 'succeeded',
      exitCode: 0,
      output: { stdout: 'one\n', stderr: 'two\n' },
    });
    expect(grown.reduce((a, b) => a + b, 0)).toBe(8);
  });

  it('a timeout kills the whole group', async () => {
    let pgid = 0;
    const outcome = await runner().run(
      request('sleep 30 & sleep 30; wait', { timeoutMs: 200 }),
      new AbortController().signal,
      {
        onProcessStarted: (group) => {
          pgid = group.pgid;
          groups.push(pgid);
        },
      },
    );
    expect(outcome).toMatchObject({ status: 'timed_out', error: { message: 'timed out after 0.2 s' } });
    await waitGone(pgid); // the test times out if the group outlives the timeout
  });

  it('a cancel kills the command, also one asked before its process started', async () => {
    const run = runner();
    const cancelled = new AbortController();
    cancelled.abort('cancelled');
    const outcome = await run.run(request('sleep 30'), cancelled.signal, {
      onProcessStarted: (group) => groups.push(group.pgid),
    });
    expect(outcome).toMatchObject({
      status: 'cancelled',
      error: { message: 'the run was cancelled; the command was killed' },
    });

    const later = new AbortController();
    const running = run.run(request('sleep 30'), later.signal, {
      onProcessStarted: (group) => {
        groups.push(group.pgid);
        later.abort('cancelled');
      },
    });
    expect(await running).toMatchObject({ status: 'cancelled' });
  });

  it('a helper dying under a command rejects that command (an engine error for the run) and removes its directory', async () => {
    const run = runner();
    let directory = '';
    const outcome = run.run(request('sleep 30'), new AbortController().signal, {
      onProcessStarted: (group) => {
        groups.push(group.pgid);
        directory = readlinkSync(`/proc/${group.pgid}/cwd`);
        helpers[0]!.kill('SIGKILL');
      },
    });
    await expect(outcome).rejects.toThrow(/the helper process that spawned this command died/);
    await waitGone(groups[0]!); // the stack killed the orphaned group (else the test times out)
    expect(directory).toMatch(/hookline-step-/);
    await vi.waitFor(() => expect(existsSync(directory)).toBe(false), { timeout: 5_000 });
    expect(await run.run(request('true'), new AbortController().signal)).toMatchObject({
      status: 'succeeded',
    });
  });
});

async function waitGone(pgid: number): Promise<void> {
  while (groupRuns(pgid)) await new Promise((resolve) => setTimeout(resolve, 10));
}
