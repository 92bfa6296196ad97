import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDataDir, testStore } from '../support/stack.ts';
import { listeningUrl } from '../support/listeningUrl.ts';

/**
 * `npm start` as a user runs it: a real process, Ctrl-C (SIGINT) stops it cleanly — no orphaned
 * child processes — and the next start finds the data, resuming the interrupted run.
 */
const dataDir = tempDataDir('hookline-process-');
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

async function start(): Promise<{ child: ChildProcess; url: string; lines: string[] }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'infra/local/main.ts', '--port', '0', '--data-dir', dataDir, '--store', testStore()],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, HOOKLINE_PORT: '' },
    },
  );
  children.push(child);
  const lines: string[] = [];
  const url = await listeningUrl(child, {
    timeoutMs: 30_000,
    log: () => lines.join('\n'),
    stdoutLines: lines,
  });
  return { child, url, lines };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('npm start', () => {
  it('stops cleanly on Ctrl-C, kills running commands, and resumes the run at the next start', async () => {
    const first = await start();
    const credentialsFile = join(dataDir, 'credentials.json');
    expect(statSync(credentialsFile).mode & 0o777).toBe(0o600);
    const credentials = JSON.parse(readFileSync(credentialsFile, 'utf8')) as {
      clientId: string;
      accessToken: string;
    };
    expect(first.lines.join('\n')).not.toContain(credentials.accessToken);
    const auth = {
      authorization: `Bearer ${credentials.clientId}:${credentials.accessToken}`,
      'content-type': 'application/json',
    };
    const api = (url: string, method: string, path: string, body?: unknown) =>
      fetch(`${url}/api/hooks/v1${path}`, {
        method,
        headers: auth,
        body: body === undefined ? undefined : JSON.stringify(body),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }));

    const pidFile = join(dataDir, 'sleep.pid');
    await api(first.url, 'PUT', '/hooks/life/sleepy', {
      metadata: { name: 'sleepy', description: 'sleeps', owner: 'tests@example.com' },
      task: {
        task: { name: 'sleep', command: ['sh', '-c', `echo $$ > ${pidFile}; exec sleep 600`] },
        postHooks: [{ name: 'after', command: ['true'], runOnFailure: true }],
      },
    });
    const fired = await api(first.url, 'POST', '/hooks/life/sleepy/trigger', {});
    const runId = fired.body.runId as string;
    for (let i = 0; i < 200 && !existsSync(pidFile); i++) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 100));
    const sleepPid = Number(readFileSync(pidFile, 'utf8'));
    expect(alive(sleepPid)).toBe(true);

    const exited = new Promise<number | null>((resolve) => first.child.on('exit', (code) => resolve(code)));
    first.child.kill('SIGINT');
    expect(await exited).toBe(0);
    await new Promise((r) => setTimeout(r, 200));
    expect(alive(sleepPid)).toBe(false);

    const second = await start();
    try {
      const hook = await api(second.url, 'GET', '/hooks/life/sleepy');
      expect(hook.status).toBe(200);
      let run: Record<string, unknown> = {};
      for (let i = 0; i < 200; i++) {
        run = (await api(second.url, 'GET', `/runs/${runId}`)).body;
        if (run.status === 'finished') break;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(run.result).toBe('failed');
      const steps = run.steps as Array<{ name: string; status: string; reason?: string }>;
      expect(steps.map((s) => [s.name, s.status])).toEqual([
        ['sleep', 'failed'],
        ['after', 'succeeded'],
      ]);
      expect(steps[0]!.reason).toBe('interrupted: the local stack stopped while this step ran');
    } finally {
      const stopped = new Promise((resolve) => second.child.on('exit', resolve));
      second.child.kill('SIGINT');
      await stopped;
    }
  }, 90_000);
});
