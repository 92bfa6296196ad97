import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLAIM_GRACE_MS } from '../../../../functions/adapters/aws/dynamoRunCreation.ts';
import { DynamoStore } from '../../../../functions/adapters/aws/dynamoStore.ts';
import {
  type DynaliteHandle,
  ensureTable,
  startDynalite,
} from '../../../../functions/adapters/local/dynaliteServer.ts';
import type { RunRecord, StepRecord } from '../../../../functions/core/runModel.ts';
import type { RunCreation } from '../../../../functions/ports/runCreation.ts';

/**
 * Store.createRun on dynalite, cut after every possible number of writes (the process dying there):
 * repairRunCreation then leaves either the whole run — steps, fire record, key answering with it — or
 * nothing at all: no key pointing at a run that does not exist, no steps without their run.
 */
const TABLE = 'hookline';
let dynamo: DynaliteHandle;
let healthy: DynamoStore;

/** A fresh client whose writes fail after `allowed` of them, as if the process died at that instant. */
function cutAfter(allowed: number): DynamoDBClient {
  const client = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  let writes = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (/^(Put|Delete|Update|BatchWrite)/.test(context.commandName ?? '') && ++writes > allowed)
        throw new Error('cut');
      return next(args);
    },
    { step: 'initialize', name: 'cut' },
  );
  clients.push(client);
  return client;
}
const clients: DynamoDBClient[] = [];

function creation(runId: string, key: string): RunCreation {
  // Older than the grace a claim of a creation under way is given (a cut creation, by now).
  const createdAt = new Date(Date.now() - 4 * CLAIM_GRACE_MS).toISOString();
  const run: RunRecord = {
    runId,
    hookGroupId: 'cut',
    hookId: 'hook',
    firedBy: 'triggerHook',
    status: 'pending',
    result: null,
    createdAt,
    job: {
      tasks: [
        { name: 'a', command: ['true'] },
        { name: 'b', command: ['true'] },
      ],
    } as RunRecord['job'],
    depth: 0,
  } as RunRecord;
  const steps: StepRecord[] = [0, 1].map((index) => ({
    runId,
    index,
    phase: 'task',
    name: index ? 'b' : 'a',
    status: 'pending',
  }));
  return {
    run,
    steps,
    fire: {
      hookGroupId: 'cut',
      hookId: 'hook',
      firedBy: 'triggerHook',
      time: createdAt,
      runId,
      result: 'success',
    },
    idempotency: { key, expiresAt: Math.floor(Date.now() / 1000) + 3600, fingerprint: 'payload' },
  };
}

beforeAll(async () => {
  dynamo = await startDynalite(undefined);
  await ensureTable(dynamo.client, TABLE);
  healthy = new DynamoStore({ tableName: TABLE, client: dynamo.client });
});
afterAll(async () => {
  for (const client of clients) client.destroy();
  await dynamo.close();
});

describe('DynamoDB run creation cut at every write', () => {
  it('leaves, after repair, the whole run or nothing', async () => {
    // 1 marker + 1 key + 2 steps + 1 run + 1 listing + 1 fire = 7 writes; 7 is the uncut creation.
    for (let allowed = 0; allowed <= 7; allowed++) {
      const runId = `run-cut-${allowed}`;
      const key = `key-${allowed}`;
      const cut = new DynamoStore({ tableName: TABLE, client: cutAfter(allowed) });
      const outcome = await cut.createRun(creation(runId, key)).catch(() => undefined);
      expect(outcome === undefined, `cut after ${allowed} writes`).toBe(allowed < 7);

      // Before repair, a key never answers with a run that does not exist.
      const answered = await healthy.findIdempotentRun('cut', 'hook', key);
      if (answered) expect(await healthy.getRun(answered.runId)).toBeDefined();

      const repair = await healthy.repairRunCreation(runId, new Date());
      const run = await healthy.getRun(runId);
      if (run) {
        expect(repair).toBe('complete');
        expect(await healthy.getSteps(runId)).toHaveLength(2);
        expect(await healthy.findIdempotentRun('cut', 'hook', key)).toEqual({
          runId,
          fingerprint: 'payload',
        });
        const fires = await healthy.listFires('cut', 'hook', { limit: 100 });
        expect(fires.items.some((fire) => fire.runId === runId)).toBe(true);
        expect(await healthy.listUnfinishedRunIds()).toContain(runId);
        const listed = await healthy.listRuns('cut', 'hook', { limit: 1000 });
        expect(listed.items.some((item) => item.runId === runId)).toBe(true);
      } else {
        expect(['discarded', 'none']).toContain(repair);
        expect(await healthy.getSteps(runId)).toEqual([]);
        expect(await healthy.listUnfinishedRunIds()).not.toContain(runId);
        const listed = await healthy.listRuns('cut', 'hook', { limit: 1000 });
        expect(listed.items.some((item) => item.runId === runId)).toBe(false);
        // The key is free: a new trigger with it creates its own run.
        const retry = await healthy.createRun(creation(`${runId}-retry`, key));
        expect(retry).toEqual({ kind: 'created' });
      }
    }
  });

  it('a key held by a creation under way answers busy, one held by a cut creation is taken over', async () => {
    const fresh = creation('run-busy', 'key-busy');
    fresh.run.createdAt = new Date().toISOString();
    const cut = new DynamoStore({ tableName: TABLE, client: cutAfter(2) });
    await cut.createRun(fresh).catch(() => undefined);
    expect(await healthy.createRun(creation('run-busy-2', 'key-busy'))).toEqual({ kind: 'key-busy' });
    // Still within the grace: still busy.
    const recent = creation('run-recent', 'key-recent');
    recent.run.createdAt = new Date(Date.now() - CLAIM_GRACE_MS / 2).toISOString();
    await new DynamoStore({ tableName: TABLE, client: cutAfter(2) }).createRun(recent).catch(() => undefined);
    expect(await healthy.createRun(creation('run-recent-2', 'key-recent'))).toEqual({ kind: 'key-busy' });

    const old = creation('run-old', 'key-old');
    await new DynamoStore({ tableName: TABLE, client: cutAfter(2) }).createRun(old).catch(() => undefined);
    expect(await healthy.createRun(creation('run-old-2', 'key-old'))).toEqual({ kind: 'created' });
    expect(await healthy.findIdempotentRun('cut', 'hook', 'key-old')).toEqual({
      runId: 'run-old-2',
      fingerprint: 'payload',
    });
  });
});
