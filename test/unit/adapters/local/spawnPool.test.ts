import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SpawnPool, startSpawnHelper } from '../../../../functions/adapters/local/spawnPool.ts';
import type { StepProcess } from '../../../../functions/core/runModel.ts';
import type { LaunchResult, LaunchSpec } from '../../../../functions/runners/processLauncher.ts';
import { groupRuns } from '../../../support/processRuns.ts';

/** What one launched command reported, and its end (closed) or loss. */
interface Launched {
  started: Promise<{ pid: number; group: StepProcess | undefined }>;
  ended: Promise<
    | {
        closed: LaunchResult;
        stdout: string;
        stderr: string;
        exited: boolean;
      }
    | { lost: Error }
  >;
}

function launch(pool: SpawnPool, spec: Partial<LaunchSpec> & Pick<LaunchSpec, 'file' | 'args'>): Launched {
  let onStarted!: (started: { pid: number; group: StepProcess | undefined }) => void;
  const started = new Promise<{ pid: number; group: StepProcess | undefined }>((resolve) => {
    onStarted = resolve;
  });
  const chunks = { stdout: [] as Uint8Array[], stderr: [] as Uint8Array[] };
  let exited = false;
  const ended = new Promise<Awaited<Launched['ended']>>((resolve) =>
    pool.launch(
      { cwd: '/tmp', env: { PATH: '/usr/bin:/bin' }, stdin: '', ...spec },
      {
        started: (pid, group) => onStarted({ pid, group }),
        output: (stream, chunk) => chunks[stream].push(chunk),
        exited: () => {
          exited = true;
        },
        closed: (closed) =>
          resolve({
            closed,
            exited,
            stdout: Buffer.concat(chunks.stdout).toString(),
            stderr: Buffer.concat(chunks.stderr).toString(),
          }),
        lost: (lost) => resolve({ lost }),
      },
    ),
  );
  return { started, ended };
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}

const pools: SpawnPool[] = [];
const groups: number[] = [];
function pool(options: ConstructorParameters<typeof SpawnPool>[0] = {}): SpawnPool {
  const made = new SpawnPool(options);
  pools.push(made);
  return made;
}

afterEach(async () => {
  for (const pgid of groups.splice(0)) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

describe('the pool of spawn helpers', () => {
  it('runs a command in its own process group, with exactly its environment and its stdin, and reports its output and exit', async () => {
    const spawnPool = pool({ helpers: 2 });
    const command = launch(spawnPool, {
      file: '/bin/sh',
      args: ['-c', 'cat; echo; env | sort; echo oops >&2; exit 3'],
      env: { PATH: '/usr/bin:/bin', ONLY: 'this' },
      stdin: '{"payload":1}',
    });
    const { pid, group } = await command.started;
    expect(group?.pgid).toBe(pid);
    expect(group?.startTicks).toEqual(expect.any(Number));
    const ended = await command.ended;
    if (!('closed' in ended)) throw ended.lost;
    expect(ended.closed).toEqual({ code: 3, signal: null });
    expect(ended.exited).toBe(true);
    const [stdin, ...env] = ended.stdout.trim().split('\n');
    expect(stdin).toBe('{"payload":1}');
    expect(
      env.filter((line) => !line.startsWith('PWD=') && !line.startsWith('SHLVL=') && !line.startsWith('_=')),
    ).toEqual(['ONLY=this', 'PATH=/usr/bin:/bin']);
    expect(ended.stderr).toBe('oops\n');
  });

  it('without a cwd runs in a fresh 0700 directory, removed after it or kept and named when asked', async () => {
    const spawnPool = pool();
    const removed = await launch(spawnPool, {
      file: '/bin/sh',
      args: ['-c', 'pwd; stat -c %a .'],
      cwd: undefined,
    }).ended;
    if (!('closed' in removed)) throw removed.lost;
    const [directory, mode] = removed.stdout.trim().split('\n');
    expect(mode).toBe('700');
    expect(existsSync(directory!)).toBe(false);
    expect(removed.closed.directory).toBeUndefined();

    const kept = await launch(spawnPool, {
      file: '/bin/sh',
      args: ['-c', 'echo x > file; pwd'],
      cwd: undefined,
      keepDirectory: true,
    }).ended;
    if (!('closed' in kept)) throw kept.lost;
    expect(kept.closed.directory).toBe(kept.stdout.trim());
    expect(readFileSync(join(kept.closed.directory!, 'file'), 'utf8')).toBe('x\n');
    rmSync(kept.closed.directory!, { recursive: true });
  });

  it('says a program that cannot be run could not be run', async () => {
    const ended = await launch(pool(), { file: '/no/such/program', args: [] }).ended;
    expect(ended).toMatchObject({ closed: { error: expect.stringContaining('could not run the command') } });
  });

  it('a kill of the group ends the command and everything it started', async () => {
    const command = launch(pool(), { file: '/bin/sh', args: ['-c', 'sleep 30 & sleep 30; wait'] });
    const { pid } = await command.started;
    groups.push(pid);
    process.kill(-pid, 'SIGKILL');
    const ended = await command.ended;
    expect(ended).toMatchObject({ closed: { code: null, signal: 'SIGKILL' } });
    await until(() => !groupRuns(pid));
  });

  it('a helper that dies fails only its own commands, and the next command gets a new helper', async () => {
    const helpers: ChildProcess[] = [];
    const spawnPool = pool({
      helpers: 2,
      startHelper: async () => {
        const helper = await startSpawnHelper();
        helpers.push(helper);
        return helper;
      },
    });
    const doomed = launch(spawnPool, { file: 'sleep', args: ['30'] });
    const other = launch(spawnPool, { file: 'sleep', args: ['30'] });
    const [doomedStart, otherStart] = await Promise.all([doomed.started, other.started]);
    groups.push(doomedStart.pid, otherStart.pid);
    expect(helpers).toHaveLength(2);
    expect(spawnPool.inFlightCounts()).toEqual([1, 1]);
    helpers[0]!.kill('SIGKILL');
    const lost = await doomed.ended;
    expect(lost).toMatchObject({ lost: expect.any(Error) });
    expect((lost as { lost: Error }).lost.message).toMatch(
      /the helper process that spawned this command died: killed by SIGKILL/,
    );
    expect(spawnPool.inFlightCounts()).toEqual([0, 1]);

    const next = await launch(spawnPool, { file: 'true', args: [] }).ended;
    expect(next).toMatchObject({ closed: { code: 0, signal: null } });
    expect(helpers).toHaveLength(3);
    process.kill(-otherStart.pid, 'SIGKILL');
    expect(await other.ended).toMatchObject({ closed: { signal: 'SIGKILL' } });
  });

  it('a helper that cannot start fails the commands given to it', async () => {
    const spawnPool = pool({ helpers: 1, startHelper: () => Promise.reject(new Error('no node here')) });
    const ended = await launch(spawnPool, { file: 'true', args: [] }).ended;
    expect((ended as { lost: Error }).lost.message).toBe(
      'no helper could be started to spawn commands: no node here',
    );
  });

  it('close ends the helpers: a command in flight is lost, and no command starts after', async () => {
    const helpers: ChildProcess[] = [];
    const spawnPool = new SpawnPool({
      helpers: 1,
      startHelper: async () => {
        const helper = await startSpawnHelper();
        helpers.push(helper);
        return helper;
      },
    });
    const running = launch(spawnPool, { file: 'sleep', args: ['30'] });
    groups.push((await running.started).pid);
    await spawnPool.close();
    expect(await running.ended).toMatchObject({ lost: expect.any(Error) });
    expect(helpers[0]!.signalCode ?? helpers[0]!.exitCode).not.toBeNull();
    const after = await launch(spawnPool, { file: 'true', args: [] }).ended;
    expect((after as { lost: Error }).lost.message).toMatch(/stopping/);
  });

  it('refuses a size out of bounds', () => {
    expect(() => new SpawnPool({ helpers: 0 })).toThrow(/from 1 to/);
    expect(() => new SpawnPool({ helpers: 1.5 })).toThrow(/from 1 to/);
  });
});
