import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type StackProcess, startStackProcess, STORE_ARGS } from './stackProcess.ts';

/**
 * Starting where another stack runs: a second start on a data directory in use exits at once with
 * one line saying so (a lock that a kill -9 does not leave stuck), and a start on a busy port fails
 * before it writes anything.
 */
const dirs: string[] = [];
const stacks: StackProcess[] = [];
afterAll(() => {
  for (const stack of stacks) stack.child.kill('SIGKILL');
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hookline-crash-guard-'));
  dirs.push(dir);
  return dir;
}

/** Runs `npm start`'s entry to its end; its exit code and stderr. */
function runToExit(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'infra/local/main.ts', ...STORE_ARGS, ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, HOOKLINE_PORT: '' },
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stderr })));
}

describe('starting next to a running stack', () => {
  it('a second start on the same data directory exits with one line; after kill -9 the directory is free', async () => {
    const dir = tempDir();
    const first = await startStackProcess(dir);
    stacks.push(first);
    const second = await runToExit(['--port', '0', '--data-dir', dir]);
    expect(second.code).not.toBe(0);
    expect(second.stderr.trim().split('\n')).toHaveLength(1);
    expect(second.stderr).toContain(`${dir} is in use`);
    await first.kill('SIGKILL');
    const third = await startStackProcess(dir);
    stacks.push(third);
    expect(await third.kill('SIGTERM')).toBe(0);
  }, 90_000);

  it('a start on a busy port fails before it writes anything', async () => {
    const first = await startStackProcess(tempDir());
    stacks.push(first);
    const port = new URL(first.url).port;
    const dir = join(tempDir(), 'never-written');
    const second = await runToExit(['--port', port, '--data-dir', dir]);
    expect(second.code).not.toBe(0);
    expect(second.stderr).toMatch(/EADDRINUSE/);
    expect(existsSync(dir)).toBe(false);
    expect(await first.kill('SIGTERM')).toBe(0);
  }, 90_000);
});
