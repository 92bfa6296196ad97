import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hookBody, startTestStack, type TestStack } from '../../support/stack.ts';

/** Per-hook concurrency through the real local stack: the semaphore in the stack's store (SQLite or DynamoDB). */
let stack: TestStack;
let dir: string;
beforeAll(async () => {
  stack = await startTestStack({ dataDir: null, queueSweepMs: 200 });
  dir = mkdtempSync(join(tmpdir(), 'hookline-concurrency-'));
});
afterAll(async () => {
  await stack.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

/** A command that logs start and end with the run's index, and fails if another run is inside at the same time. */
function serialStep(log: string, lock: string, seconds = 0.05) {
  return {
    name: 'work',
    command: [
      'sh',
      '-c',
      `if ! mkdir ${lock} 2>/dev/null; then echo OVERLAP >> ${log}; exit 1; fi; echo "start $N" >> ${log}; sleep ${seconds}; echo "end $N" >> ${log}; rmdir ${lock}`,
    ],
    env: { N: { $eval: 'str(payload.n)' } },
  };
}

describe('concurrency limit 1 with queue', () => {
  it('runs twenty simultaneous fires strictly one at a time, in order, and all finish', async () => {
    const log = join(dir, 'serial.log');
    const lock = join(dir, 'serial.lock');
    await stack.api(
      'PUT',
      '/hooks/conc/serial',
      hookBody(
        { task: serialStep(log, lock) },
        {
          concurrency: { limit: 1, onLimit: 'queue' },
          triggerSchema: { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] },
        },
      ),
    );
    const fired: string[] = [];
    // Arrive together; record the order the service accepted them in.
    await Promise.all(
      Array.from({ length: 20 }, async (_, n) => {
        const res = await stack.api<{ runId: string }>('POST', '/hooks/conc/serial/trigger', { n });
        expect(res.status).toBe(200);
        fired.push(res.body.runId);
      }),
    );
    const runs = await Promise.all(fired.map((id) => stack.waitForRunFinished(id, 60_000)));
    expect(runs.every((r) => r.result === 'succeeded')).toBe(true);
    const lines = readFileSync(log, 'utf8').trim().split('\n');
    expect(lines).not.toContain('OVERLAP');
    expect(lines).toHaveLength(40);
    for (let i = 0; i < lines.length; i += 2) {
      const n = lines[i]!.split(' ')[1];
      expect([lines[i], lines[i + 1]]).toEqual([`start ${n}`, `end ${n}`]);
    }
    // in order: each run started after the previous one (by creation) finished
    const byCreation = [...runs].sort((a, b) =>
      a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0,
    );
    for (let i = 1; i < byCreation.length; i++) {
      expect(Date.parse(byCreation[i]!.startedAt!)).toBeGreaterThanOrEqual(
        Date.parse(byCreation[i - 1]!.finishedAt!) - 5,
      );
    }
  }, 90_000);
});

describe('onLimit policies', () => {
  it('skip records the fire as skipped-concurrency and starts nothing', async () => {
    await stack.api(
      'PUT',
      '/hooks/conc/skip',
      hookBody(
        { task: { name: 'slow', command: ['sleep', '1'] } },
        { concurrency: { limit: 1, onLimit: 'skip' } },
      ),
    );
    const first = await stack.api<{ runId: string }>('POST', '/hooks/conc/skip/trigger', {});
    const second = await stack.api<{ skipped?: boolean; runId?: string }>(
      'POST',
      '/hooks/conc/skip/trigger',
      {},
    );
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ skipped: true });
    expect(second.body.runId).toBeUndefined();
    await stack.waitForRunFinished(first.body.runId);
    const fires = await stack.api<{ lastFires: Array<{ result: string }> }>(
      'GET',
      '/hooks/conc/skip/last-fires',
    );
    expect(fires.body.lastFires.map((f) => f.result)).toEqual(['skipped-concurrency', 'success']);
    const runs = await stack.api<{ runs: unknown[] }>('GET', '/hooks/conc/skip/runs');
    expect(runs.body.runs).toHaveLength(1);
    // the slot was released: a later fire starts
    const third = await stack.api<{ runId: string }>('POST', '/hooks/conc/skip/trigger', {});
    expect(third.body.runId).toBeDefined();
    expect((await stack.waitForRunFinished(third.body.runId)).result).toBe('succeeded');
  });

  it('cancel-running cancels the running run and starts the new one', async () => {
    await stack.api(
      'PUT',
      '/hooks/conc/latest',
      hookBody(
        { task: { name: 'slow', command: ['sleep', '30'] } },
        { concurrency: { limit: 1, onLimit: 'cancel-running' } },
      ),
    );
    const first = await stack.api<{ runId: string }>('POST', '/hooks/conc/latest/trigger', {});
    // wait until the first run's command runs
    for (let i = 0; i < 100; i++) {
      const run = await stack.api<{ steps: Array<{ status: string }> }>('GET', `/runs/${first.body.runId}`);
      if (run.body.steps[0]!.status === 'running') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const second = await stack.api<{ runId: string }>('POST', '/hooks/conc/latest/trigger', {});
    const firstRun = await stack.waitForRunFinished(first.body.runId);
    expect(firstRun.result).toBe('cancelled');
    // its `sleep 30` was killed, not waited for (run to its end, the step would have succeeded, exit 0)
    expect(firstRun.steps[0]).toMatchObject({
      status: 'cancelled',
      exitCode: null,
      error: { message: 'the run was cancelled' },
    });
    const secondRun = await stack.api<{ status: string; steps: Array<{ status: string }> }>(
      'GET',
      `/runs/${second.body.runId}`,
    );
    expect(secondRun.body.status).not.toBe('finished');
    await stack.api('POST', `/runs/${second.body.runId}/cancel`);
    expect((await stack.waitForRunFinished(second.body.runId)).result).toBe('cancelled');
  });

  it('a lost run does not block the hook: its lease expires and the queued run starts', async () => {
    await stack.api(
      'PUT',
      '/hooks/conc/lost',
      hookBody(
        { task: { name: 'quick', command: ['true'] } },
        { concurrency: { limit: 1, onLimit: 'queue' } },
      ),
    );
    // a run that took the slot and was lost (its runner died): its lease ends in 1.5 s
    await stack.services.concurrency.putSemaphore(
      'conc',
      'lost',
      { holders: { 'lost-run-0000000000000': Date.now() + 1500 }, version: 1 },
      0,
    );
    const fired = await stack.api<{ runId: string }>('POST', '/hooks/conc/lost/trigger', {});
    await new Promise((r) => setTimeout(r, 500));
    const waiting = await stack.api<{ status: string }>('GET', `/runs/${fired.body.runId}`);
    expect(waiting.body.status).toBe('pending');
    const run = await stack.waitForRunFinished(fired.body.runId, 10_000);
    expect(run.result).toBe('succeeded');
    expect(Date.parse(run.startedAt!)).toBeGreaterThan(Date.parse(run.createdAt) + 1000);
  });
});
