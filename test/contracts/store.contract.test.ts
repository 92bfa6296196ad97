import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeDefinition, hookDefinitionInputSchema } from '../../functions/core/hookDefinition.ts';
import type { RunRecord, StepRecord } from '../../functions/core/runModel.ts';
import type { RunCreation } from '../../functions/ports/runCreation.ts';
import {
  ConditionFailed,
  type HookRecord,
  type Page,
  type RunSummary,
  type Store,
} from '../../functions/ports/store.ts';
import { CONTRACT_ADAPTERS, manualClock, uniqueId } from './adapters.ts';

/** The Store port's contract, the same for every adapter (test/contracts/adapters.ts). */

function hookRecord(g: string, h: string, version = 1): HookRecord {
  const definition = completeDefinition(
    g,
    h,
    hookDefinitionInputSchema.parse({
      metadata: { name: 'contract', description: 'a hook', owner: 'me@example.com' },
      task: { task: { name: 'say', command: ['echo', { $eval: 'payload.who' }] } },
      config: { constructor: 'kept', nested: { list: [1, 'two', null, { deep: true }] } },
    }),
  );
  return {
    definition,
    triggerTokenHash: 'a'.repeat(64),
    triggerTokenNonce: 'n'.repeat(43),
    createdAt: '2030-01-01T00:00:00.000Z',
    updatedAt: '2030-01-01T00:00:01.000Z',
    version,
    configVersion: 3,
    signingSecret: 's'.repeat(43),
    lastScheduledAt: '2030-01-01T00:00:00.000Z',
    missedOccurrences: 2,
    outOfSync: ['schedule'],
  };
}

function runRecord(runId: string, g: string, h: string, createdAt: string): RunRecord {
  return {
    runId,
    hookGroupId: g,
    hookId: h,
    firedBy: 'triggerHook',
    status: 'pending',
    result: null,
    createdAt,
    job: { task: [{ name: 'say', command: ['echo', 'hi'] }] } as unknown as RunRecord['job'],
    payload: { who: 'world', list: [1, 2.5, -3, true, null], empty: '' },
    clientId: 'root',
    deadline: '2030-01-01T01:00:00.000Z',
    depth: 0,
  };
}

function stepRecords(runId: string, count: number): StepRecord[] {
  return Array.from({ length: count }, (_, index) => ({
    runId,
    index,
    phase: index === 0 ? 'pre' : 'task',
    name: `step-${index}`,
    status: 'pending',
  }));
}

/** A creation of the run (its fire at its createdAt), with the idempotency and expiry given. */
function creation(
  run: RunRecord,
  steps: StepRecord[] = [],
  more: Pick<RunCreation, 'idempotency' | 'expiresAt'> = {},
): RunCreation {
  return {
    run,
    steps,
    fire: {
      hookGroupId: run.hookGroupId,
      hookId: run.hookId,
      firedBy: run.firedBy,
      time: run.createdAt,
      runId: run.runId,
      result: 'success',
    },
    ...more,
  };
}

/** Epoch seconds past, and far off, by both the injected clock and the system's (DynamoDB checks keys against the latter). */
const EXPIRED = 1_000_000_000;
const UNEXPIRED = 4_000_000_000;

async function walk<T>(list: (token?: string) => Promise<Page<T>>): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const page = await list(token);
    pages++;
    items.push(...page.items);
    token = page.continuationToken;
  } while (token && pages < 100);
  return { items, pages };
}

const refused = { code: 'InputError', statusCode: 400, message: expect.stringMatching(/continuationToken/) };
const badTokens = (other: string) => [
  'nonsense',
  '!!',
  Buffer.from('{}').toString('base64url'),
  Buffer.from('[1]').toString('base64url'),
  Buffer.from('{"pk":"HOOK","sk":"a#b"}').toString('base64url'),
  other,
];

for (const adapter of CONTRACT_ADAPTERS) {
  describe.skipIf(adapter.skip !== undefined)(
    `Store contract: ${adapter.name}${adapter.skip ? ` (skipped: ${adapter.skip})` : ''}`,
    () => {
      const clock = manualClock();
      let store: Store;
      let opened: Awaited<ReturnType<(typeof adapter)['open']>>;
      let close: () => Promise<void>;
      beforeAll(async () => {
        opened = await adapter.open(clock);
        store = opened.store;
        close = opened.close;
      });
      const create = async (c: RunCreation) => expect(await store.createRun(c)).toEqual({ kind: 'created' });
      afterAll(async () => {
        await close?.();
      });

      describe('hooks', () => {
        it('round-trips every field; a second create is ConditionFailed', async () => {
          const g = uniqueId('g');
          const record = hookRecord(g, 'one/two');
          await store.createHook(record);
          expect(await store.getHook(g, 'one/two')).toEqual(record);
          await expect(store.createHook(hookRecord(g, 'one/two'))).rejects.toBeInstanceOf(ConditionFailed);
          expect(await store.getHook(g, 'missing')).toBeUndefined();
        });

        it('replaces only at the expected version; a missing hook is ConditionFailed', async () => {
          const g = uniqueId('g');
          await store.createHook(hookRecord(g, 'h', 1));
          const next = { ...hookRecord(g, 'h', 2), signingSecret: 'changed', outOfSync: undefined };
          await expect(store.replaceHook(next, 5)).rejects.toBeInstanceOf(ConditionFailed);
          await store.replaceHook(next, 1);
          const stored = await store.getHook(g, 'h');
          expect(stored?.signingSecret).toBe('changed');
          // bookkeeping keeps its stored value (Store.replaceHook): the record's absent outOfSync changes nothing
          expect(stored?.outOfSync).toEqual(['schedule']);
          await expect(store.replaceHook({ ...next, version: 3 }, 1)).rejects.toBeInstanceOf(ConditionFailed);
          await expect(store.replaceHook(hookRecord(g, 'absent', 2), 1)).rejects.toBeInstanceOf(
            ConditionFailed,
          );
          expect(await store.getHook(g, 'absent')).toBeUndefined();
        });

        it('N concurrent replaces at one version: exactly one wins', async () => {
          const g = uniqueId('g');
          await store.createHook(hookRecord(g, 'race', 1));
          const results = await Promise.allSettled(
            Array.from({ length: 8 }, (_, i) =>
              store.replaceHook({ ...hookRecord(g, 'race', 2), signingSecret: `w${i}` }, 1),
            ),
          );
          expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
          for (const r of results.filter((r) => r.status === 'rejected'))
            expect((r as PromiseRejectedResult).reason).toBeInstanceOf(ConditionFailed);
        });

        it('lists groups (sorted, distinct), a group’s hooks and all hooks in key order; delete removes', async () => {
          const a = uniqueId('ga');
          const b = `${a}-b`;
          for (const [g, h] of [
            [b, 'z'],
            [a, 'b/c'],
            [a, 'a'],
            [a, 'b'],
          ] as const)
            await store.createHook(hookRecord(g, h));
          const groups = await store.listHookGroups();
          expect(groups.filter((g) => g === a || g === b)).toEqual([a, b]);
          expect([...groups].sort()).toEqual(groups);
          expect((await store.listHooks(a)).map((r) => r.definition.hookId)).toEqual(['a', 'b', 'b/c']);
          const all = (await store.listAllHooks())
            .map((r) => `${r.definition.hookGroupId}#${r.definition.hookId}`)
            .filter((k) => k.startsWith(a));
          expect(all).toEqual([`${a}#a`, `${a}#b`, `${a}#b/c`, `${b}#z`]);
          await store.deleteHook(a, 'b');
          await store.deleteHook(a, 'never-there');
          expect((await store.listHooks(a)).map((r) => r.definition.hookId)).toEqual(['a', 'b/c']);
        });
      });

      describe('fires', () => {
        it('newest first, every page walked with no duplicate and no miss; deleteFires empties', async () => {
          const g = uniqueId('g');
          const times = Array.from({ length: 23 }, (_, i) =>
            new Date(Date.UTC(2030, 0, 1, 0, 0, i)).toISOString(),
          );
          for (const [i, time] of times.entries())
            await store.putFire({
              hookGroupId: g,
              hookId: 'h',
              firedBy: 'schedule',
              time,
              runId: `run-${i}`,
              result: i % 2 ? 'success' : 'error',
              ...(i % 2 ? {} : { error: `failed ${i}` }),
              clientId: 'c',
              expiresAt: 2_000_000_000 + i,
            });
          const { items, pages } = await walk((token) =>
            store.listFires(g, 'h', { limit: 5, continuationToken: token }),
          );
          expect(pages).toBeGreaterThanOrEqual(5);
          expect(items.map((f) => f.runId)).toEqual(times.map((_, i) => `run-${i}`).reverse());
          expect(items.at(-1)).toEqual({
            hookGroupId: g,
            hookId: 'h',
            firedBy: 'schedule',
            time: times[0],
            runId: 'run-0',
            result: 'error',
            error: 'failed 0',
            clientId: 'c',
            expiresAt: 2_000_000_000,
          });
          const first = await store.listFires(g, 'h', { limit: 1000 });
          expect(first.items).toHaveLength(23);
          expect(first.continuationToken).toBeUndefined();
          expect((await store.listFires(g, 'other', { limit: 10 })).items).toEqual([]);
          await store.deleteFires(g, 'h');
          expect((await store.listFires(g, 'h', { limit: 10 })).items).toEqual([]);
        });

        it('refuses a token it did not issue for this listing (a 400 InputError)', async () => {
          const g = uniqueId('g');
          for (let i = 0; i < 3; i++)
            await store.putFire({
              hookGroupId: g,
              hookId: 'h',
              firedBy: 'schedule',
              time: `2030-01-01T00:00:0${i}.000Z`,
              runId: `r${i}`,
              result: 'success',
            });
          const page = await store.listFires(g, 'h', { limit: 1 });
          expect(page.continuationToken).toEqual(expect.any(String));
          await create(creation(runRecord(uniqueId('run'), g, 'h', '2030-01-01T00:00:00.000Z')));
          await create(creation(runRecord(uniqueId('run'), g, 'h', '2030-01-01T00:00:01.000Z')));
          const runsToken = (await store.listRuns(g, 'h', { limit: 1 })).continuationToken!;
          for (const token of badTokens(runsToken))
            await expect(
              store.listFires(g, 'h', { limit: 1, continuationToken: token }),
            ).rejects.toMatchObject(refused);
          // another hook's token
          await expect(
            store.listFires(g, 'other', { limit: 1, continuationToken: page.continuationToken }),
          ).rejects.toMatchObject(refused);
          await expect(
            store.listRuns(g, 'h', { limit: 1, continuationToken: page.continuationToken }),
          ).rejects.toMatchObject(refused);
          await expect(
            store.listAudit(g, 'h', { limit: 1, continuationToken: page.continuationToken }),
          ).rejects.toMatchObject(refused);
        });
      });

      describe('runs and steps', () => {
        it('round-trips the run, its steps and its fire; a second create is run-exists and keeps the steps', async () => {
          const g = uniqueId('g');
          const runId = uniqueId('run');
          const run = runRecord(runId, g, 'h', '2030-01-01T00:00:00.000Z');
          await create(creation(run, stepRecords(runId, 3), { expiresAt: 2_000_000_000 }));
          expect(await store.getRun(runId)).toEqual(run);
          expect((await store.listFires(g, 'h', { limit: 10 })).items).toEqual([
            {
              hookGroupId: g,
              hookId: 'h',
              firedBy: 'triggerHook',
              time: '2030-01-01T00:00:00.000Z',
              runId,
              result: 'success',
            },
          ]);
          expect(await store.getSteps(runId)).toEqual(stepRecords(runId, 3));
          expect(await store.getStep(runId, 2)).toEqual(stepRecords(runId, 3)[2]);
          expect(await store.getStep(runId, 3)).toBeUndefined();
          await store.updateStep(runId, 0, { status: 'running' });
          expect(
            await store.createRun(creation({ ...run, status: 'running' }, stepRecords(runId, 4))),
          ).toEqual({
            kind: 'run-exists',
          });
          expect(await store.getRun(runId)).toEqual(run);
          expect((await store.getStep(runId, 0))?.status).toBe('running');
          expect(await store.getSteps(runId)).toHaveLength(3);
          expect(await store.getRun(uniqueId('none'))).toBeUndefined();
          expect(await store.getSteps(uniqueId('none'))).toEqual([]);
        });

        it('updateRun: sets and removes fields; onlyIf compares values, and undefined/null means absent', async () => {
          const runId = uniqueId('run');
          await create(creation(runRecord(runId, uniqueId('g'), 'h', '2030-01-01T00:00:00.000Z')));
          await store.updateRun(runId, { status: 'running', startedAt: 't1' }, { status: 'pending' });
          await expect(
            store.updateRun(runId, { status: 'running' }, { status: 'pending' }),
          ).rejects.toBeInstanceOf(ConditionFailed);
          await store.updateRun(runId, { stopRequested: 'cancelled' }, { stopRequested: undefined });
          await expect(
            store.updateRun(runId, { stopRequested: 'timed_out' }, { stopRequested: undefined }),
          ).rejects.toBeInstanceOf(ConditionFailed);
          // result is stored as null: it exists, so "absent" does not hold
          await expect(store.updateRun(runId, { result: 'failed' }, { result: null })).rejects.toBeInstanceOf(
            ConditionFailed,
          );
          await store.updateRun(runId, {
            criticalFailure: { index: 0, name: 'a', phase: 'pre' },
            clientId: undefined,
          });
          const run = await store.getRun(runId);
          expect(run).toMatchObject({
            status: 'running',
            startedAt: 't1',
            stopRequested: 'cancelled',
            result: null,
            criticalFailure: { index: 0, name: 'a', phase: 'pre' },
          });
          expect(run).not.toHaveProperty('clientId');
          await expect(store.updateRun(uniqueId('none'), { status: 'running' })).rejects.toBeInstanceOf(
            ConditionFailed,
          );
          expect(await store.getRun(runId)).toEqual(run);
        });

        it('a run is unfinished from its creation until an update finishes it', async () => {
          const runId = uniqueId('run');
          await create(creation(runRecord(runId, uniqueId('g'), 'h', '2030-01-01T00:00:00.000Z')));
          expect(await store.listUnfinishedRunIds()).toContain(runId);
          await store.updateRun(runId, { status: 'running' });
          expect(await store.listUnfinishedRunIds()).toContain(runId);
          await store.updateRun(runId, { status: 'finished', result: 'succeeded' }, { status: 'running' });
          expect(await store.listUnfinishedRunIds()).not.toContain(runId);
        });

        it('listRuns: newest first as summaries, paged with no duplicate and no miss', async () => {
          const g = uniqueId('g');
          const ids: string[] = [];
          for (let i = 0; i < 12; i++) {
            const runId = `run-${String(i).padStart(2, '0')}-${uniqueId('r')}`;
            ids.push(runId);
            await create(
              creation(
                runRecord(runId, g, 'h', new Date(Date.UTC(2030, 0, 1, 0, i)).toISOString()),
                stepRecords(runId, 1),
              ),
            );
          }
          await store.updateRun(ids[0]!, {
            status: 'finished',
            result: 'failed',
            finishedAt: 'f',
            startedAt: 's',
          });
          const { items } = await walk((token) =>
            store.listRuns(g, 'h', { limit: 5, continuationToken: token }),
          );
          expect(items.map((r) => r.runId)).toEqual([...ids].reverse());
          expect(items.at(-1)).toEqual({
            runId: ids[0],
            hookGroupId: g,
            hookId: 'h',
            firedBy: 'triggerHook',
            status: 'finished',
            result: 'failed',
            createdAt: '2030-01-01T00:00:00.000Z',
            startedAt: 's',
            finishedAt: 'f',
          });
          expect(items[0]).toEqual({
            runId: ids[11],
            hookGroupId: g,
            hookId: 'h',
            firedBy: 'triggerHook',
            status: 'pending',
            result: null,
            createdAt: '2030-01-01T00:11:00.000Z',
          });
          expect(items[0]).not.toHaveProperty('job');
        });

        it('updateStep: conditional; of N concurrent claims of a pending step exactly one wins', async () => {
          const runId = uniqueId('run');
          await create(
            creation(runRecord(runId, uniqueId('g'), 'h', '2030-01-01T00:00:00.000Z'), stepRecords(runId, 2)),
          );
          const results = await Promise.allSettled(
            Array.from({ length: 10 }, (_, i) =>
              store.updateStep(runId, 1, { status: 'running', claim: `claim-${i}` }, { status: 'pending' }),
            ),
          );
          const won = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
          expect(won).toHaveLength(1);
          for (const r of results.filter((r) => r.status === 'rejected'))
            expect((r as PromiseRejectedResult).reason).toBeInstanceOf(ConditionFailed);
          expect(await store.getStep(runId, 1)).toMatchObject({
            status: 'running',
            claim: `claim-${won[0]}`,
          });
          await store.updateStep(runId, 1, {
            status: 'failed',
            exitCode: null,
            signal: undefined,
            error: { message: 'boom', code: 7 },
            durationMs: 12,
          });
          const step = await store.getStep(runId, 1);
          expect(step).toMatchObject({
            status: 'failed',
            exitCode: null,
            error: { message: 'boom', code: 7 },
          });
          expect(step).not.toHaveProperty('signal');
          await expect(store.updateStep(runId, 5, { status: 'running' })).rejects.toBeInstanceOf(
            ConditionFailed,
          );
          expect(await store.getStep(runId, 5)).toBeUndefined();
        });

        it('step outputs: put replaces, get round-trips without the expiry', async () => {
          const runId = uniqueId('run');
          expect(await store.getStepOutput(runId, 0)).toBeUndefined();
          await store.putStepOutput(runId, 0, { stdout: 'first' }, 2_000_000_000);
          const output = {
            stdout: 'out\n',
            stderr: 'ü ✓ \u0000',
            data: { n: 1, list: [{}] },
            truncated: true,
          };
          await store.putStepOutput(runId, 0, output, 2_000_000_000);
          expect(await store.getStepOutput(runId, 0)).toEqual(output);
          expect(await store.getStepOutput(runId, 1)).toBeUndefined();
        });
      });

      describe('run creation with an Idempotency-Key', () => {
        const keyed = (run: RunRecord, key: string, fingerprint: string, expiresAt = UNEXPIRED) =>
          creation(run, stepRecords(run.runId, 2), { idempotency: { key, expiresAt, fingerprint } });

        it('the key answers with its run and fingerprint; another creation with it is key-taken and writes nothing', async () => {
          const g = uniqueId('g');
          const first = runRecord(uniqueId('run'), g, 'h', '2030-01-01T00:00:00.000Z');
          const second = runRecord(uniqueId('run'), g, 'h', '2030-01-01T00:00:01.000Z');
          expect(await store.findIdempotentRun(g, 'h', 'k')).toBeUndefined();
          await create(keyed(first, 'k', 'fp-1'));
          expect(await store.findIdempotentRun(g, 'h', 'k')).toEqual({
            runId: first.runId,
            fingerprint: 'fp-1',
          });
          expect(await store.createRun(keyed(second, 'k', 'fp-2'))).toEqual({
            kind: 'key-taken',
            runId: first.runId,
            fingerprint: 'fp-1',
          });
          expect(await store.getRun(second.runId)).toBeUndefined();
          expect(await store.getSteps(second.runId)).toEqual([]);
          expect((await store.listFires(g, 'h', { limit: 10 })).items.map((f) => f.runId)).toEqual([
            first.runId,
          ]);
          expect((await store.listRuns(g, 'h', { limit: 10 })).items.map((r) => r.runId)).toEqual([
            first.runId,
          ]);
          expect(await store.listUnfinishedRunIds()).not.toContain(second.runId);
          expect(await store.findIdempotentRun(g, 'h', 'k')).toEqual({
            runId: first.runId,
            fingerprint: 'fp-1',
          });
          // keys are per hook
          const other = runRecord(uniqueId('run'), g, 'other', '2030-01-01T00:00:02.000Z');
          await create(keyed(other, 'k', 'fp-3'));
          expect(await store.findIdempotentRun(g, 'other', 'k')).toEqual({
            runId: other.runId,
            fingerprint: 'fp-3',
          });
        });

        it('a key past its expiry answers nothing and is claimed by the next creation', async () => {
          const g = uniqueId('g');
          const first = runRecord(uniqueId('run'), g, 'h', '2030-01-01T00:00:00.000Z');
          const second = runRecord(uniqueId('run'), g, 'h', '2030-01-01T00:00:01.000Z');
          await create(keyed(first, 'k', 'fp-1', EXPIRED));
          expect(await store.findIdempotentRun(g, 'h', 'k')).toBeUndefined();
          await create(keyed(second, 'k', 'fp-2'));
          expect(await store.findIdempotentRun(g, 'h', 'k')).toEqual({
            runId: second.runId,
            fingerprint: 'fp-2',
          });
          expect(await store.getRun(first.runId)).toEqual(first);
        });

        it.skipIf(adapter.shared)(
          'a key whose run does not exist (expired and swept before it) is free',
          async () => {
            const g = uniqueId('g');
            const gone = runRecord(uniqueId('run'), g, 'h', '2030-01-01T00:00:00.000Z');
            const next = runRecord(uniqueId('run'), g, 'h', '2030-01-01T00:00:01.000Z');
            await create(
              creation(gone, stepRecords(gone.runId, 1), {
                idempotency: { key: 'k', expiresAt: UNEXPIRED, fingerprint: 'fp-1' },
                expiresAt: clock.seconds() - 1,
              }),
            );
            await store.updateRun(gone.runId, { status: 'finished', result: 'succeeded' });
            await opened.sweeper!.sweep();
            expect(await store.getRun(gone.runId)).toBeUndefined();
            expect(await store.findIdempotentRun(g, 'h', 'k')).toBeUndefined();
            await create(keyed(next, 'k', 'fp-2'));
            expect(await store.findIdempotentRun(g, 'h', 'k')).toEqual({
              runId: next.runId,
              fingerprint: 'fp-2',
            });
          },
        );

        it('of N concurrent creations with one key exactly one is created; the key then answers with it', async () => {
          const g = uniqueId('g');
          const runs = Array.from({ length: 8 }, (_, i) =>
            runRecord(uniqueId(`run${i}`), g, 'h', `2030-01-01T00:00:0${i}.000Z`),
          );
          const outcomes = await Promise.all(
            runs.map((run, i) => store.createRun(keyed(run, 'k', `fp-${i}`))),
          );
          const winners = outcomes.flatMap((o, i) => (o.kind === 'created' ? [i] : []));
          expect(winners).toHaveLength(1);
          const winner = runs[winners[0]!]!;
          for (const outcome of outcomes.filter((o) => o.kind !== 'created')) {
            // DynamoDB, with no transactions, may answer key-busy while the winner is being written.
            if (outcome.kind === 'key-busy') expect(adapter.name).toMatch(/DynamoDB/);
            else
              expect(outcome).toEqual({
                kind: 'key-taken',
                runId: winner.runId,
                fingerprint: `fp-${winners[0]}`,
              });
          }
          expect(await store.findIdempotentRun(g, 'h', 'k')).toEqual({
            runId: winner.runId,
            fingerprint: `fp-${winners[0]}`,
          });
          for (const run of runs.filter((r) => r !== winner)) {
            expect(await store.getRun(run.runId)).toBeUndefined();
            expect(await store.createRun(keyed(run, 'k', 'fp-late'))).toEqual({
              kind: 'key-taken',
              runId: winner.runId,
              fingerprint: `fp-${winners[0]}`,
            });
          }
          expect((await store.listRuns(g, 'h', { limit: 20 })).items.map((r) => r.runId)).toEqual([
            winner.runId,
          ]);
        });

        it('of N concurrent creations of one run id exactly one is created; the others are run-exists', async () => {
          const run = runRecord(uniqueId('run'), uniqueId('g'), 'h', '2030-01-01T00:00:00.000Z');
          const outcomes = await Promise.all(
            Array.from({ length: 6 }, () => store.createRun(creation(run, stepRecords(run.runId, 2)))),
          );
          expect(outcomes.filter((o) => o.kind === 'created')).toHaveLength(1);
          expect(outcomes.filter((o) => o.kind === 'run-exists')).toHaveLength(5);
          expect(await store.getSteps(run.runId)).toHaveLength(2);
        });

        it('repairRunCreation: a created run is complete; an unknown or finished run has nothing to repair', async () => {
          const run = runRecord(uniqueId('run'), uniqueId('g'), 'h', '2030-01-01T00:00:00.000Z');
          await create(creation(run, stepRecords(run.runId, 1)));
          const later = new Date(clock.now().getTime() + 60_000);
          expect(await store.repairRunCreation(run.runId, later)).toBe('complete');
          expect(await store.getRun(run.runId)).toEqual(run);
          expect(await store.listUnfinishedRunIds()).toContain(run.runId);
          expect(await store.repairRunCreation(uniqueId('none'), later)).toBe('none');
          await store.updateRun(run.runId, { status: 'finished', result: 'succeeded' });
          expect(await store.repairRunCreation(run.runId, later)).toBe('none');
        });
      });

      describe('listRecentRuns', () => {
        const minute = (i: number) => new Date(Date.UTC(2031, 0, 1, 0, i)).toISOString();

        it('newest first across hooks; every filter must match; since inclusive, until exclusive; paged', async () => {
          const g = uniqueId('g');
          const runs: RunRecord[] = [];
          for (let i = 0; i < 10; i++) {
            const run: RunRecord = {
              ...runRecord(`run-${i}-${uniqueId('r')}`, g, i % 2 === 0 ? 'a' : 'b', minute(i)),
              firedBy: i % 3 === 0 ? 'schedule' : 'triggerHook',
            };
            runs.push(run);
            await create(creation(run));
          }
          // two runs in the same millisecond: ordered by run id, newest (greatest) first
          const tie = [`run-tie-a-${uniqueId('r')}`, `run-tie-b-${uniqueId('r')}`].map((id) =>
            runRecord(id, g, 'a', minute(10)),
          );
          for (const run of tie) {
            runs.push(run);
            await create(creation(run));
          }
          for (const i of [1, 4, 7])
            await store.updateRun(runs[i]!.runId, { status: 'running', startedAt: 's' });
          for (const i of [4, 7])
            await store.updateRun(runs[i]!.runId, {
              status: 'finished',
              result: i === 4 ? 'failed' : 'succeeded',
              finishedAt: 'f',
            });
          const newestFirst = [...runs].reverse();
          const ids = (list: Array<{ runId: string }>) => list.map((r) => r.runId);
          const list = async (filter: Parameters<Store['listRecentRuns']>[0], limit = 4) =>
            (await walk((token) => store.listRecentRuns(filter, { limit, continuationToken: token }))).items;

          const all = await list({ hookGroupId: g });
          expect(ids(all)).toEqual(ids(newestFirst));
          expect(all.find((r) => r.runId === runs[4]!.runId)).toEqual({
            runId: runs[4]!.runId,
            hookGroupId: g,
            hookId: 'a',
            firedBy: 'triggerHook',
            status: 'finished',
            result: 'failed',
            createdAt: minute(4),
            startedAt: 's',
            finishedAt: 'f',
          } satisfies RunSummary);
          expect(all[0]).not.toHaveProperty('job');
          expect((await list({ hookGroupId: g }, 100)).map((r) => r.runId)).toEqual(ids(newestFirst));

          const expectIds = async (
            filter: Parameters<Store['listRecentRuns']>[0],
            keep: (r: RunRecord) => boolean,
          ) => expect((await list(filter)).map((r) => r.runId)).toEqual(ids(newestFirst.filter(keep)));
          await expectIds({ hookGroupId: g, hookId: 'a' }, (r) => r.hookId === 'a');
          await expectIds(
            { hookGroupId: g, hookId: 'b', status: 'running' },
            (r) => r.runId === runs[1]!.runId,
          );
          await expectIds({ hookGroupId: g, status: 'finished' }, (r) => [runs[4], runs[7]].includes(r));
          await expectIds({ hookGroupId: g, result: 'failed' }, (r) => r === runs[4]);
          await expectIds(
            { hookGroupId: g, status: 'pending' },
            (r) => ![1, 4, 7].some((i) => runs[i] === r),
          );
          await expectIds({ hookGroupId: g, firedBy: 'schedule' }, (r) => r.firedBy === 'schedule');
          await expectIds(
            { hookGroupId: g, since: minute(3), until: minute(7) },
            (r) => r.createdAt >= minute(3) && r.createdAt < minute(7),
          );
          await expectIds(
            { hookGroupId: g, hookId: 'a', since: minute(4) },
            (r) => r.hookId === 'a' && r.createdAt >= minute(4),
          );
          await expectIds(
            { hookGroupId: g, hookId: 'b', until: minute(5) },
            (r) => r.hookId === 'b' && r.createdAt < minute(5),
          );
          await expectIds(
            { hookGroupId: g, hookId: 'a', firedBy: 'schedule', result: 'failed' },
            () => false,
          );
          await expectIds({ hookGroupId: g, hookId: 'none' }, () => false);
          // listRuns is the one-hook listing
          expect(
            (await walk((token) => store.listRuns(g, 'a', { limit: 3, continuationToken: token }))).items,
          ).toEqual(await list({ hookGroupId: g, hookId: 'a' }));
          if (!adapter.shared) {
            // no hook named: every run in the window (this store holds no other runs in 2031)
            expect((await list({ since: minute(0), until: minute(11) })).map((r) => r.runId)).toEqual(
              ids(newestFirst),
            );
            expect(
              (await list({ hookId: 'b', since: minute(0), until: minute(11) })).map((r) => r.runId),
            ).toEqual(ids(newestFirst.filter((r) => r.hookId === 'b')));
          }
        });

        it('refuses a token it did not issue for this listing (a 400 InputError)', async () => {
          const g = uniqueId('g');
          for (let i = 0; i < 3; i++) await create(creation(runRecord(uniqueId('run'), g, 'h', minute(i))));
          const oneHook = (await store.listRecentRuns({ hookGroupId: g, hookId: 'h' }, { limit: 1 }))
            .continuationToken!;
          const acrossHooks = (await store.listRecentRuns({ hookGroupId: g }, { limit: 1 }))
            .continuationToken!;
          expect(oneHook).toEqual(expect.any(String));
          expect(acrossHooks).toEqual(expect.any(String));
          for (const token of badTokens(oneHook))
            await expect(
              store.listRecentRuns({ hookGroupId: g }, { limit: 1, continuationToken: token }),
            ).rejects.toMatchObject(refused);
          for (const token of badTokens(acrossHooks))
            await expect(
              store.listRecentRuns({ hookGroupId: g, hookId: 'h' }, { limit: 1, continuationToken: token }),
            ).rejects.toMatchObject(refused);
          await expect(
            store.listRecentRuns(
              { hookGroupId: g, hookId: 'other' },
              { limit: 1, continuationToken: oneHook },
            ),
          ).rejects.toMatchObject(refused);
          // the next page of the one-hook listing is the second newest run; paging across hooks finds all
          const next = await store.listRecentRuns(
            { hookGroupId: g, hookId: 'h' },
            { limit: 1, continuationToken: oneHook },
          );
          expect(next.items.map((r) => r.createdAt)).toEqual([minute(1)]);
          const { items } = await walk((token) =>
            store.listRecentRuns({ hookGroupId: g }, { limit: 1, continuationToken: token }),
          );
          expect(items.map((r) => r.createdAt)).toEqual([minute(2), minute(1), minute(0)]);
        });
      });

      describe('audit', () => {
        it('newest first, paged with no duplicate and no miss, every field kept', async () => {
          const g = uniqueId('g');
          for (let i = 0; i < 7; i++)
            await store.putAudit({
              hookGroupId: g,
              hookId: 'h',
              time: `2030-01-01T00:00:0${i}.000Z`,
              action: `action-${i}`,
              clientId: 'root',
              ...(i === 0 ? { runId: 'r', changes: { before: { a: 1 }, after: null } } : {}),
            });
          const { items } = await walk((token) =>
            store.listAudit(g, 'h', { limit: 3, continuationToken: token }),
          );
          expect(items.map((a) => a.action)).toEqual(Array.from({ length: 7 }, (_, i) => `action-${6 - i}`));
          expect(items.at(-1)).toEqual({
            hookGroupId: g,
            hookId: 'h',
            time: '2030-01-01T00:00:00.000Z',
            action: 'action-0',
            clientId: 'root',
            runId: 'r',
            changes: { before: { a: 1 }, after: null },
          });
        });
      });
    },
  );
}
