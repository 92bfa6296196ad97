import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeliveredEvent } from '../../../functions/app/fireFromSources.ts';
import { DEFAULT_SETTINGS } from '../../../functions/app/services.ts';
import { hookBody, startTestStack, type TestStack } from '../../support/stack.ts';

/**
 * Lifecycle events go back on the bus and hooks bind to them (README.md, "Events and schedules"); a chain of hooks firing
 * each other stops at the depth limit (default 5) with the refused fire recorded as an error.
 */
describe('hooks bound to lifecycle events', () => {
  let stack: TestStack;
  const seen: DeliveredEvent[] = [];

  beforeAll(async () => {
    stack = await startTestStack({ dataDir: null });
    stack.bus.subscribe((event) => {
      seen.push(event);
    });
  });
  afterAll(async () => {
    await stack.cleanup();
  });

  type Fire = { runId: string; result: string; error: string; firedBy: string; time: string };
  const firesOf = async (path: string) =>
    (await stack.api<{ lastFires: Fire[] }>('GET', `/hooks/${path}/last-fires?limit=100`)).body.lastFires;
  const runsOf = async (path: string) =>
    (
      await stack.api<{ runs: Array<{ runId: string; firedBy: string; status: string }> }>(
        'GET',
        `/hooks/${path}/runs?limit=100`,
      )
    ).body.runs;

  async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const value = await probe();
      if (value !== undefined) return value;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  it('runs a hook when any job in group `backups` fails (bound to Run Finished)', async () => {
    const alertPattern = {
      source: ['hookline'],
      'detail-type': ['Run Finished'],
      detail: { hookGroupId: ['backups'], result: ['failed'] },
    };
    await stack.api(
      'PUT',
      '/hooks/alerts/backup-failed',
      hookBody(
        {
          task: {
            name: 'alert',
            command: [
              'echo',
              { $eval: '"backup " + payload.hookId + " run " + payload.runId + " " + payload.result' },
            ],
          },
        },
        { bindings: [alertPattern] },
      ),
    );
    await stack.api('PUT', '/hooks/backups/nightly', hookBody({ task: { name: 'dump', command: 'exit 3' } }));
    await stack.api('PUT', '/hooks/backups/fine', hookBody({ task: { name: 'dump', command: 'true' } }));

    const good = await stack.api<{ runId: string }>('POST', '/hooks/backups/fine/trigger', {});
    await stack.waitForRunFinished(good.body.runId);
    const bad = await stack.api<{ runId: string }>('POST', '/hooks/backups/nightly/trigger', {});
    const failed = await stack.waitForRunFinished(bad.body.runId);
    expect(failed.result).toBe('failed');
    await stack.bus.drain();

    const alerts = await until('the alert run', async () => {
      const runs = await runsOf('alerts/backup-failed');
      return runs.length > 0 ? runs : undefined;
    });
    expect(alerts).toHaveLength(1); // the succeeded backup fired nothing
    expect(alerts[0]?.firedBy).toBe('event');
    const alert = await stack.waitForRunFinished(alerts[0]!.runId);
    expect(alert.steps[0]?.output?.stdout).toBe(`backup nightly run ${bad.body.runId} failed\n`);

    // The alert run's own lifecycle events are one link further down the chain.
    await stack.bus.drain();
    const alertFinished = seen.find(
      (e) => e['detail-type'] === 'Run Finished' && e.detail.runId === alerts[0]!.runId,
    );
    expect(alertFinished?.detail.chainDepth).toBe(1);
  });

  it('stops a hook bound to its own Run Finished at the depth limit and records the refused fire', async () => {
    const limit = DEFAULT_SETTINGS.maxEventChainDepth;
    expect(limit).toBe(5);
    await stack.api(
      'PUT',
      '/hooks/loop/self',
      hookBody(
        { task: { name: 'again', command: 'true' } },
        {
          bindings: [
            { source: ['hookline'], 'detail-type': ['Run Finished'], detail: { hookGroupId: ['loop'] } },
          ],
        },
      ),
    );
    const first = await stack.api<{ runId: string }>('POST', '/hooks/loop/self/trigger', {});
    expect(first.status).toBe(200);

    const refused = await until('the refused fire', async () => {
      await stack.bus.drain();
      return (await firesOf('loop/self')).find((f) => f.result === 'error');
    });
    expect(refused.firedBy).toBe('event');
    expect(refused.error).toContain(`${limit + 1} hooks deep`);
    expect(refused.error).toContain(`limit ${limit}`);

    // Depths 0..5 ran (the API fire and five event fires); nothing more follows.
    await new Promise((r) => setTimeout(r, 300));
    await stack.bus.drain();
    const runs = await runsOf('loop/self');
    expect(runs).toHaveLength(limit + 1);
    for (const run of runs) await stack.waitForRunFinished(run.runId);
    await stack.bus.drain();
    expect(await runsOf('loop/self')).toHaveLength(limit + 1);
    const depths = seen
      .filter((e) => e['detail-type'] === 'Run Finished' && e.detail.hookGroupId === 'loop')
      .map((e) => e.detail.chainDepth)
      .sort();
    expect(depths).toEqual([0, 1, 2, 3, 4, 5]);
    const fires = await firesOf('loop/self');
    expect(fires.filter((f) => f.result === 'success')).toHaveLength(limit + 1);
    expect(fires.filter((f) => f.result === 'error')).toHaveLength(1);
  });

  it('stops a hook whose event step re-fires itself at the same limit', async () => {
    const limit = DEFAULT_SETTINGS.maxEventChainDepth;
    await stack.api(
      'PUT',
      '/hooks/chain/emitter',
      hookBody(
        {
          task: {
            name: 'emit',
            event: { source: 'loop.custom', detailType: 'Again', detail: { from: { $eval: 'runId' } } },
          },
        },
        { bindings: [{ source: ['loop.custom'], 'detail-type': ['Again'] }] },
      ),
    );
    await stack.api('POST', '/hooks/chain/emitter/trigger', {});
    const refused = await until('the refused fire', async () => {
      await stack.bus.drain();
      return (await firesOf('chain/emitter')).find((f) => f.result === 'error');
    });
    expect(refused.error).toContain(`limit ${limit}`);
    await new Promise((r) => setTimeout(r, 300));
    await stack.bus.drain();
    const runs = await runsOf('chain/emitter');
    expect(runs).toHaveLength(limit + 1);
    for (const run of runs) await stack.waitForRunFinished(run.runId);
    await stack.bus.drain();
  });
});
