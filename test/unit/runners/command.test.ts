import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { StepProcess } from '../../../functions/core/runModel.ts';
import type { CommandRequest } from '../../../functions/ports/commandRunner.ts';
import { runCommandProcess } from '../../../functions/runners/command.ts';
import { processRuns } from '../../support/processRuns.ts';

/**
 * A command step's program (functions/runners/command.ts), through what it is asked and what it
 * reports: output, exit code, environment, working directory, stdin, timeout and stop.
 */
const scratch = mkdtempSync(join(tmpdir(), 'hookline-command-unit-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const request = (
  command: CommandRequest['command'],
  extra: Partial<CommandRequest> = {},
): CommandRequest => ({
  command,
  env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
  stdin: '{}',
  timeoutMs: 20_000,
  outputLimitBytes: 64 * 1024,
  ...extra,
});
const run = (req: CommandRequest, signal = new AbortController().signal) => runCommandProcess(req, signal);

describe('runCommandProcess', () => {
  it('an argv array is exec’d as given: no shell expands anything in it', async () => {
    const outcome = await run(request(['printf', '%s|%s', '$HOME', 'a b; echo injected']));
    expect(outcome).toMatchObject({
      status: 'succeeded',
      exitCode: 0,
      signal: null,
      output: { stdout: '$HOME|a b; echo injected', stderr: '', truncated: false },
    });
  });

  it('a string runs under /bin/sh -c, or the step’s shell', async () => {
    expect((await run(request('echo "$0"; echo err >&2'))).output).toMatchObject({
      stdout: '/bin/sh\n',
      stderr: 'err\n',
    });
    const bash = await run(request('[ -n "$BASH_VERSION" ] && echo bash', { shell: '/bin/bash' }));
    expect(bash.output.stdout).toBe('bash\n');
  });

  it('the environment is exactly the request’s: nothing of this process leaks in', async () => {
    process.env.HOOKLINE_UNIT_SECRET = 'must-not-leak';
    try {
      const outcome = await run(request(['env'], { env: { ONLY: 'this', PATH: '/usr/bin:/bin' } }));
      const names = outcome.output
        .stdout!.trim()
        .split('\n')
        .map((line) => line.split('=')[0]);
      expect(names.sort()).toEqual(['ONLY', 'PATH']);
      expect(outcome.output.stdout).toContain('ONLY=this');
      expect(outcome.output.stdout).not.toContain('must-not-leak');
    } finally {
      delete process.env.HOOKLINE_UNIT_SECRET;
    }
  });

  it('reads the stdin document, and a command that ignores stdin is no error', async () => {
    expect((await run(request(['cat'], { stdin: '{"payload":{"n":1}}' }))).output.stdout).toBe(
      '{"payload":{"n":1}}',
    );
    const large = 'x'.repeat(1024 * 1024);
    expect(await run(request(['true'], { stdin: large }))).toMatchObject({ status: 'succeeded' });
  });

  it('runs in a fresh 0700 directory removed after it, or in the step’s cwd', async () => {
    const outcome = await run(request('pwd; stat -c %a .'));
    const [dir, mode] = outcome.output.stdout!.trim().split('\n');
    expect(dir).toMatch(/hookline-step-/);
    expect(mode).toBe('700');
    expect(existsSync(dir!)).toBe(false);
    const inCwd = await run(request(['pwd'], { cwd: scratch }));
    expect(inCwd.output.stdout).toBe(`${scratch}\n`);
    expect(existsSync(scratch)).toBe(true);
  });

  it('a non-zero exit fails the step with the code; a stdout error message wins', async () => {
    expect(await run(request('exit 3'))).toMatchObject({
      status: 'failed',
      exitCode: 3,
      error: { message: 'the command exited with code 3' },
    });
    expect(await run(request(`echo '{"error":{"message":"disk full"}}'; exit 1`))).toMatchObject({
      status: 'failed',
      error: { message: 'disk full' },
    });
  });

  it('a killed command says by which signal', async () => {
    expect(await run(request('kill -9 $$'))).toMatchObject({
      status: 'failed',
      exitCode: null,
      signal: 'SIGKILL',
      error: { message: 'the command was killed by SIGKILL' },
    });
  });

  it('reads the stdout protocol: output data, a config change, an error on exit 0', async () => {
    const succeeded = await run(
      request(`echo '{"output":{"built":true},"hook":{"config":{"update":{"n":2},"remove":["old"]}}}'`),
    );
    expect(succeeded).toMatchObject({
      status: 'succeeded',
      output: { data: { built: true } },
      configChange: { update: { n: 2 }, remove: ['old'] },
    });
    expect(await run(request(`echo '{"error":"half done"}'`))).toMatchObject({
      status: 'failed',
      exitCode: 0,
      error: { message: 'half done' },
    });
  });

  it('output beyond the limit keeps head and tail, says it was cut, and is not read as the protocol', async () => {
    const outcome = await run(
      request(`printf '{"output":1,"pad":"'; head -c 5000 /dev/zero | tr '\\0' a; printf '"}'`, {
        outputLimitBytes: 1024,
      }),
    );
    expect(outcome.status).toBe('succeeded');
    expect(outcome.output.truncated).toBe(true);
    expect(outcome.output.stdout!.startsWith('{"output":1')).toBe(true);
    expect(outcome.output.stdout!.endsWith('aaa"}')).toBe(true);
    expect(outcome.output.stdout!.length).toBeLessThan(1200);
    expect(outcome.output.data).toBeUndefined();
  });

  it('a program that does not exist fails saying why', async () => {
    const outcome = await run(request(['/no/such/program']));
    expect(outcome.status).toBe('failed');
    expect(outcome.error!.message).toMatch(/^could not run the command: .*ENOENT/);
  });

  it('at its timeout the whole process group is killed, a background child too', async () => {
    const pidFile = join(scratch, 'background.pid');
    const started: StepProcess[] = [];
    const outcome = await runCommandProcess(
      request(`sleep 600 & echo $! > ${pidFile}; sleep 600; wait`, { timeoutMs: 300 }),
      new AbortController().signal,
      { onProcessStarted: (group) => started.push(group) },
    );
    expect(outcome).toMatchObject({
      status: 'timed_out',
      exitCode: null,
      error: { message: 'timed out after 0.3 s' },
    });
    expect(started).toHaveLength(1);
    expect(started[0]!.pgid).toBeGreaterThan(0);
    expect(processRuns(Number(readFileSync(pidFile, 'utf8')))).toBe(false);
  });

  it('a stop asked for kills the command and says why: cancelled or the run’s deadline', async () => {
    const cancel = new AbortController();
    const cancelled = run(request(['sleep', '600']), cancel.signal);
    setTimeout(() => cancel.abort('cancelled'), 50);
    expect(await cancelled).toMatchObject({
      status: 'cancelled',
      signal: 'SIGTERM',
      error: { message: 'the run was cancelled; the command was killed' },
    });
    const deadline = new AbortController();
    deadline.abort('timed_out');
    expect(await run(request(['sleep', '600']), deadline.signal)).toMatchObject({
      status: 'timed_out',
      error: { message: 'the run timed out; the command was killed' },
    });
  });

  it('streams each chunk of output to the observer as it is read', async () => {
    const seen: string[] = [];
    const outcome = await runCommandProcess(request('echo one; echo two >&2'), new AbortController().signal, {
      onOutput: (current) => seen.push(JSON.stringify([current().stdout, current().stderr])),
    });
    expect(outcome.status).toBe('succeeded');
    expect(seen.at(-1)).toBe(JSON.stringify(['one\n', 'two\n']));
  });

  it('gives earlier steps’ artifacts in HOOKLINE_ARTIFACTS_DIR and removes that directory after', async () => {
    const kept = join(scratch, 'report.txt');
    writeFileSync(kept, 'from an earlier step');
    const outcome = await run(
      request('echo "$HOOKLINE_ARTIFACTS_DIR"; cat "$HOOKLINE_ARTIFACTS_DIR/report.txt"', {
        artifactInputs: [{ name: 'report.txt', source: { kind: 'file', path: kept } }],
      }),
    );
    const [dir, text] = outcome.output.stdout!.split('\n');
    expect(text).toBe('from an earlier step');
    expect(existsSync(dir!)).toBe(false);
  });
});
