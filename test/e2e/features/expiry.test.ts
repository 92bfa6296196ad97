import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hookBody, startTestStack, type TestStack } from '../../support/stack.ts';

/**
 * Retention: fires, runs, steps, outputs and idempotency keys carry `expiresAt` (DynamoDB TTL in the
 * cloud); locally the sweeper deletes them once it has passed. Hooks and their history stay.
 */
let stack: TestStack;
let offsetMs = 0;
beforeAll(async () => {
  stack = await startTestStack({
    dataDir: null,
    clock: { now: () => new Date(Date.now() + offsetMs) },
    settings: { retentionSeconds: 3600 },
  });
});
afterAll(async () => {
  await stack.cleanup();
});

describe('expiry of records', () => {
  it('keeps runs until their retention passes, then the sweeper deletes them; the hook stays', async () => {
    await stack.api('PUT', '/hooks/expiry/one', hookBody({ task: { name: 'say', command: ['echo', 'hi'] } }));
    const fired = await stack.api<{ runId: string }>(
      'POST',
      '/hooks/expiry/one/trigger',
      {},
      { 'idempotency-key': 'k1' },
    );
    await stack.waitForRunFinished(fired.body.runId);

    expect(await stack.sweepExpired()).toBe(0);
    expect((await stack.api('GET', `/runs/${fired.body.runId}`)).status).toBe(200);

    offsetMs = 25 * 3600 * 1000; // a day later: past the one-hour retention and the 24-hour idempotency window
    const deleted = await stack.sweepExpired();
    // run, its step, its output, the fire, the idempotency key
    expect(deleted).toBeGreaterThanOrEqual(5);
    expect((await stack.api('GET', `/runs/${fired.body.runId}`)).status).toBe(404);
    expect((await stack.api('GET', `/runs/${fired.body.runId}/steps/0/output`)).status).toBe(404);
    const fires = await stack.api<{ lastFires: unknown[] }>('GET', '/hooks/expiry/one/last-fires');
    expect(fires.body.lastFires).toEqual([]);
    const hook = await stack.api('GET', '/hooks/expiry/one');
    expect(hook.status).toBe(200);
    const history = await stack.api<{ history: unknown[] }>('GET', '/hooks/expiry/one/history');
    expect(history.body.history.length).toBeGreaterThan(0);
    // the idempotency key expired with it: the same key starts a new run now
    const again = await stack.api<{ runId: string }>(
      'POST',
      '/hooks/expiry/one/trigger',
      {},
      { 'idempotency-key': 'k1' },
    );
    expect(again.body.runId).not.toBe(fired.body.runId);
    await stack.waitForRunFinished(again.body.runId);
  });
});
