import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { derivedRunId } from '../../functions/core/ids.ts';
import { between, CRASH_SEED, seededRandom } from './seededRandom.ts';
import { allFinished, crashHook, eventually, type StackProcess, startStackProcess } from './stackProcess.ts';

/**
 * kill -9 during bursts of PutEvents on the local EventBridge endpoint: after the restart every
 * acknowledged event has fired its bound hook exactly once (its run, derived from the event id,
 * exists and finishes), and no command ran twice.
 */
const KILL_POINTS = 3;
/** Bounded work per kill point, so that the restart finishes it within the wait on a loaded machine. */
const MAX_EVENTS = 150;
const dirs: string[] = [];
const stacks: StackProcess[] = [];
afterAll(() => {
  for (const stack of stacks) stack.child.kill('SIGKILL');
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe(`event bursts, SIGKILL (CRASH_SEED=${CRASH_SEED})`, () => {
  for (let point = 0; point < KILL_POINTS; point++) {
    it(`kill point ${point + 1}: every acknowledged event fires its hook once`, async () => {
      const random = seededRandom(CRASH_SEED * 1000 + 100 + point);
      const dir = mkdtempSync(join(tmpdir(), 'hookline-crash-events-'));
      dirs.push(dir);
      const log = join(dir, 'executions.log');
      const first = await startStackProcess(dir);
      stacks.push(first);
      const res = await first.api(
        'PUT',
        '/hooks/crash/bound',
        crashHook(
          {
            task: {
              name: 'record',
              command: ['sh', '-c', `echo "$N" >> ${log}`],
              env: { N: { $eval: 'str(payload.n)' } },
            },
          },
          { bindings: [{ source: ['crash.test'] }] },
        ),
      );
      expect(res.status).toBe(200);
      const acknowledged: Array<{ id: string; n: number }> = [];
      let stop = false;
      let n = 0;
      const put = async () => {
        while (!stop && n < MAX_EVENTS) {
          const batch = Array.from({ length: 5 }, () => n++);
          try {
            const answer = await first.putEvents(
              batch.map((i) => ({
                Source: 'crash.test',
                DetailType: 'Tick',
                Detail: JSON.stringify({ n: i }),
              })),
            );
            if (answer.status !== 200) continue;
            const entries = answer.body.Entries as Array<{ EventId?: string }>;
            entries.forEach((entry, j) => {
              if (entry.EventId) acknowledged.push({ id: entry.EventId, n: batch[j]! });
            });
          } catch {
            // the process died: not acknowledged
          }
        }
      };
      const load = Promise.all(Array.from({ length: 4 }, put));
      // The kill point counts from the first acknowledgement (a loaded machine starts slowly).
      await eventually('a first acknowledgement', 60_000, async () =>
        acknowledged.length > 0 ? true : undefined,
      );
      await new Promise((r) => setTimeout(r, between(random, 0, 1700)));
      await first.kill('SIGKILL');
      stop = true;
      await load;
      expect(acknowledged.length, 'events acknowledged before the kill').toBeGreaterThan(0);

      const second = await startStackProcess(dir);
      stacks.push(second);
      for (const event of acknowledged) {
        const runId = derivedRunId('crash', 'bound', 'event', `event:${event.id}`);
        await eventually(`the run of event ${event.n}`, 60_000, async () =>
          (await second.api('GET', `/runs/${runId}`)).status === 200 ? true : undefined,
        );
      }
      const runs = await allFinished(second, [['crash', 'bound']], 120_000);
      expect(runs.length).toBeGreaterThanOrEqual(acknowledged.length);
      // No command ran twice: each number at most once in the executions log.
      const lines = readFileSync(log, 'utf8').trim().split('\n').filter(Boolean);
      expect(new Set(lines).size).toBe(lines.length);
      expect(await second.kill('SIGTERM')).toBe(0);
    }, 150_000);
  }
});
