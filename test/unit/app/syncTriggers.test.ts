import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHook } from '../../../functions/app/manageHooks.ts';
import { REPAIR_GRACE_MS, repairOutOfSyncHooks, SYNC_PENDING } from '../../../functions/app/syncTriggers.ts';
import type { HookDefinition } from '../../../functions/core/hookDefinition.ts';
import { hookBody } from '../../support/hookBody.ts';
import { type InProcessServices, inProcessServices } from './inProcessServices.ts';

/** The periodic repair of hooks left out of sync, with the ports in this process and a settable clock. */
let env: InProcessServices;
const applied: string[] = [];
let failing = false;
/** A process killed while applying: the hook's write happened, the triggers never followed. */
let killed = false;

beforeAll(async () => {
  env = await inProcessServices();
  env.services.triggers = {
    sync: async (definition: HookDefinition) => {
      if (killed) return new Promise(() => undefined);
      if (failing) throw new Error('Scheduler unavailable');
      applied.push(`${definition.hookGroupId}/${definition.hookId}`);
    },
    remove: async () => undefined,
  };
});
afterAll(async () => {
  await env?.close();
});

const body = hookBody({ task: { name: 't', command: ['true'] } }, { schedule: ['0 * * * *'] });

describe('repairOutOfSyncHooks', () => {
  it('reconciles a hook whose sync failed, once its mark is older than the grace period', async () => {
    failing = true;
    await createHook(env.services, 'rep', 'failed', body, { scopes: ['*'] });
    failing = false;
    expect((await env.services.store.getHook('rep', 'failed'))?.outOfSync).toEqual([
      'rules/schedules not updated: Scheduler unavailable',
    ]);
    expect(await repairOutOfSyncHooks(env.services)).toEqual([]); // within the grace: its request may be at work
    env.clock.advance(REPAIR_GRACE_MS);
    expect(await repairOutOfSyncHooks(env.services)).toEqual([
      { hookGroupId: 'rep', hookId: 'failed', outOfSync: [] },
    ]);
    expect(applied).toEqual(['rep/failed']);
    expect((await env.services.store.getHook('rep', 'failed'))?.outOfSync).toBeUndefined();
  });

  it('a change killed halfway leaves the hook marked; the repair applies it', async () => {
    killed = true;
    void createHook(env.services, 'rep', 'killed', body, { scopes: ['*'] });
    let stored = await env.services.store.getHook('rep', 'killed');
    for (let i = 0; !stored && i < 200; i++) {
      await new Promise((r) => setImmediate(r));
      stored = await env.services.store.getHook('rep', 'killed');
    }
    expect(stored?.outOfSync).toEqual([SYNC_PENDING]);
    killed = false;
    env.clock.advance(REPAIR_GRACE_MS);
    expect(await repairOutOfSyncHooks(env.services)).toEqual([
      { hookGroupId: 'rep', hookId: 'killed', outOfSync: [] },
    ]);
    expect((await env.services.store.getHook('rep', 'killed'))?.outOfSync).toBeUndefined();
  });

  it('a create retried after a failed sync completes it', async () => {
    failing = true;
    await createHook(env.services, 'rep', 'retried', body, { scopes: ['*'] });
    failing = false;
    expect((await env.services.store.getHook('rep', 'retried'))?.outOfSync).toHaveLength(1);
    await createHook(env.services, 'rep', 'retried', body, { scopes: ['*'] });
    expect((await env.services.store.getHook('rep', 'retried'))?.outOfSync).toBeUndefined();
    expect(applied).toContain('rep/retried');
  });

  it('has nothing to do once every hook is in sync', async () => {
    expect(await repairOutOfSyncHooks(env.services)).toEqual([]);
  });
});
