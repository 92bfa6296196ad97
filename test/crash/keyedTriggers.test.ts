import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { between, CRASH_SEED, seededRandom } from './seededRandom.ts';
import { allFinished, crashHook, eventually, type StackProcess, startStackProcess } from './stackProcess.ts';

/**
 * kill -9 during a burst of keyed triggers while hooks are created, changed and deleted: after the
 * restart every acknowledged trigger has its run, every Idempotency-Key answers with a run that
 * exists (acknowledged or not), and every run finishes.
 */
const KILL_POINTS = 3;
const HOOKS = ['k0', 'k1', 'k2'];
/** Bounded work per kill point, so that the restart finishes it within the wait on a loaded machine. */
const MAX_TRIGGERS = 150;
const dirs: string[] = [];
const stacks: StackProcess[] = [];
afterAll(() => {
  for (const stack of stacks) stack.child.kill('SIGKILL');
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe(`keyed trigger bursts with hook churn, SIGKILL (CRASH_SEED=${CRASH_SEED})`, () => {
  for (let point = 0; point < KILL_POINTS; point++) {
    it(`kill point ${point + 1}: nothing acknowledged is lost, no key without its run, no run stuck`, async () => {
      const random = seededRandom(CRASH_SEED * 1000 + point);
      const dir = mkdtempSync(join(tmpdir(), 'hookline-crash-keys-'));
      dirs.push(dir);
      const first = await startStackProcess(dir);
      stacks.push(first);
      for (const h of HOOKS) {
        const res = await first.api(
          'PUT',
          `/hooks/crash/${h}`,
          crashHook(
            { task: { name: 't', command: ['true'] } },
            {
              triggerSchema: { type: 'object', properties: { n: { type: 'integer' } } },
            },
          ),
        );
        expect(res.status).toBe(200);
      }
      const acknowledged = new Map<string, { hook: string; runId: string }>();
      /** Trigger i was sent with key `key-<i>` and payload `{ n: i }`. */
      const sentPayload = (key: string) => Number(key.slice('key-'.length));
      const sent = new Map<string, string>();
      let stop = false;
      let n = 0;
      const trigger = async () => {
        while (!stop && n < MAX_TRIGGERS) {
          const i = n++;
          const hook = HOOKS[i % HOOKS.length]!;
          const key = `key-${i}`;
          sent.set(key, hook);
          try {
            const res = await first.api(
              'POST',
              `/hooks/crash/${hook}/trigger`,
              { n: i },
              { 'idempotency-key': key },
            );
            if (res.status === 200) acknowledged.set(key, { hook, runId: String(res.body.runId) });
          } catch {
            // the connection died with the process: not acknowledged
          }
        }
      };
      const churn = async () => {
        for (let i = 0; !stop; i++) {
          try {
            await first.api(
              'PUT',
              `/hooks/churn/c${i % 4}`,
              crashHook({ task: { name: 't', command: ['true'] } }),
            );
            await first.api('POST', `/hooks/churn/c${i % 4}/trigger`, {});
            if (i % 2) await first.api('DELETE', `/hooks/churn/c${(i + 1) % 4}`);
          } catch {
            // the process died
          }
        }
      };
      const load = Promise.all([...Array.from({ length: 6 }, trigger), churn()]);
      // The kill point counts from the first acknowledgement (a loaded machine starts slowly).
      await eventually('a first acknowledgement', 60_000, async () =>
        acknowledged.size > 0 ? true : undefined,
      );
      await new Promise((r) => setTimeout(r, between(random, 0, 2200)));
      await first.kill('SIGKILL');
      stop = true;
      await load;

      expect(acknowledged.size, 'triggers acknowledged before the kill').toBeGreaterThan(0);
      const second = await startStackProcess(dir);
      stacks.push(second);
      // Every acknowledged trigger: its run exists, and its key still answers with it.
      for (const [key, { hook, runId }] of acknowledged) {
        const run = await second.api('GET', `/runs/${runId}`);
        expect(run.status, `run ${runId} of acknowledged key ${key}`).toBe(200);
        // The same payload as sent: the same key with another payload is a conflict (409, fireHook.ts).
        const again = await second.api(
          'POST',
          `/hooks/crash/${hook}/trigger`,
          { n: sentPayload(key) },
          { 'idempotency-key': key },
        );
        expect(again.status).toBe(200);
        expect(again.body.runId, `key ${key}`).toBe(runId);
      }
      // Every key sent but not acknowledged answers with a run that exists (its own, or a new one).
      for (const [key, hook] of sent) {
        if (acknowledged.has(key)) continue;
        const again = await second.api(
          'POST',
          `/hooks/crash/${hook}/trigger`,
          { n: sentPayload(key) },
          { 'idempotency-key': key },
        );
        expect(again.status, `key ${key}: ${JSON.stringify(again.body)}`).toBe(200);
        expect((await second.api('GET', `/runs/${String(again.body.runId)}`)).status).toBe(200);
      }
      const runs = await allFinished(
        second,
        HOOKS.map((h) => ['crash', h] as [string, string]),
        120_000,
      );
      expect(runs.length).toBeGreaterThanOrEqual(acknowledged.size);
      expect(await second.kill('SIGTERM')).toBe(0);
    }, 150_000);
  }
});
