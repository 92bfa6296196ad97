import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { between, CRASH_SEED, seededRandom } from './seededRandom.ts';
import {
  allFinished,
  crashHook,
  eventually,
  processesWithMarker,
  type StackProcess,
  startStackProcess,
} from './stackProcess.ts';

/**
 * kill -9 while the runs of a limit-1 `queue` hook wait and one of them runs a command: after the
 * restart the interrupted command is dead before anything else runs (no orphan), no two commands of
 * the hook ever overlap (each holds an flock, which only its death releases), no command runs twice,
 * and every run finishes — the queued ones one at a time.
 */
const KILL_POINTS = 3;
const RUNS = 6;
const dirs: string[] = [];
const stacks: StackProcess[] = [];
afterAll(() => {
  for (const stack of stacks) stack.child.kill('SIGKILL');
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe(`a limit-1 queue with running commands, SIGKILL (CRASH_SEED=${CRASH_SEED})`, () => {
  for (let point = 0; point < KILL_POINTS; point++) {
    it(`kill point ${point + 1}: no overlap, no double execution, no orphan, all finish`, async () => {
      const random = seededRandom(CRASH_SEED * 1000 + 200 + point);
      const dir = mkdtempSync(join(tmpdir(), 'hookline-crash-queue-'));
      dirs.push(dir);
      const log = join(dir, 'commands.log');
      const lock = join(dir, 'hook.lock');
      const marker = `crash-marker-${basename(dir)}`;
      // The command's argv carries the marker (found in /proc while it lives); `sleep` inherits it.
      const script = `flock -n ${lock} sh -c 'echo "start $N" >> ${log}; sleep 0.6; echo "end $N" >> ${log}' ${marker} || echo "OVERLAP $N" >> ${log}`;
      const first = await startStackProcess(dir);
      stacks.push(first);
      const put = await first.api(
        'PUT',
        '/hooks/crash/serial',
        crashHook(
          {
            task: {
              name: 'work',
              command: ['sh', '-c', script, marker],
              env: { N: { $eval: 'str(payload.n)' } },
            },
          },
          {
            concurrency: { limit: 1, onLimit: 'queue' },
            triggerSchema: { type: 'object', properties: { n: { type: 'integer' } } },
          },
        ),
      );
      expect(put.status).toBe(200);
      const acknowledged: string[] = [];
      for (let n = 0; n < RUNS; n++) {
        const res = await first.api('POST', '/hooks/crash/serial/trigger', { n });
        expect(res.status).toBe(200);
        acknowledged.push(String(res.body.runId));
      }
      // Kill while a command runs (the first starts at once; each takes 0.6 s).
      await eventually('a command running', 30_000, async () => (existsSync(log) ? true : undefined));
      await new Promise((r) => setTimeout(r, between(random, 0, 1500)));
      await first.kill('SIGKILL');

      const second = await startStackProcess(dir);
      stacks.push(second);
      const runs = await allFinished(second, [['crash', 'serial']], 90_000);
      for (const runId of acknowledged) expect(runs.some((run) => run.runId === runId)).toBe(true);
      await eventually('no orphaned command', 10_000, async () =>
        processesWithMarker(marker).length === 0 ? true : undefined,
      );
      const lines = readFileSync(log, 'utf8').trim().split('\n');
      expect(lines.filter((line) => line.startsWith('OVERLAP'))).toEqual([]);
      const starts = lines.filter((line) => line.startsWith('start'));
      expect(new Set(starts).size, 'no command ran twice').toBe(starts.length);
      expect(await second.kill('SIGTERM')).toBe(0);
    }, 150_000);
  }
});
