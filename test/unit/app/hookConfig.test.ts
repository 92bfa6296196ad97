import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyConfigChange } from '../../../functions/app/hookConfig.ts';
import { putHookType } from '../../../functions/app/hookTypes.ts';
import { createHook, getHook } from '../../../functions/app/manageHooks.ts';
import { hookBody } from '../../support/hookBody.ts';
import { type InProcessServices, inProcessServices } from './inProcessServices.ts';

/** A step's or a client's `hook.config` change (functions/app/hookConfig.ts). */
let env: InProcessServices;
beforeAll(async () => {
  env = await inProcessServices();
});
afterAll(async () => {
  await env?.close();
});

const task = { task: { name: 't', command: ['true'] } };

describe('applyConfigChange', () => {
  it('updates and removes keys, bumps the versions, and audits who changed it', async () => {
    await createHook(env.services, 'cfg', 'plain', hookBody(task, { config: { keep: 1, old: 2 } }), {
      scopes: ['*'],
    });
    const before = await getHook(env.services, 'cfg', 'plain');
    env.clock.advance(1000);
    const refused = await applyConfigChange(
      env.services,
      'cfg',
      'plain',
      { update: { count: 3 }, remove: ['old'] },
      {
        runId: 'run-1',
      },
    );
    expect(refused).toBeUndefined();
    const after = await getHook(env.services, 'cfg', 'plain');
    expect(after.definition.config).toEqual({ keep: 1, count: 3 });
    expect(after.version).toBe(before.version + 1);
    expect(after.configVersion).toBe(before.configVersion + 1);
    expect(after.updatedAt).toBe('2030-01-01T00:00:01.000Z');
    const audit = await env.services.store.listAudit('cfg', 'plain', { limit: 10 });
    expect(audit.items.find((a) => a.action === 'config-change')).toMatchObject({
      runId: 'run-1',
      changes: { update: { count: 3 }, remove: ['old'] },
    });
  });

  it('concurrent changes never lose each other', async () => {
    await createHook(env.services, 'cfg', 'race', hookBody(task), { scopes: ['*'] });
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        applyConfigChange(env.services, 'cfg', 'race', { update: { [`k${i}`]: i } }, { runId: `r${i}` }),
      ),
    );
    expect(results).toEqual(Array(5).fill(undefined));
    expect((await getHook(env.services, 'cfg', 'race')).definition.config).toEqual({
      k0: 0,
      k1: 1,
      k2: 2,
      k3: 3,
      k4: 4,
    });
  });

  it('a hook type’s configuration decides which keys and values are allowed', async () => {
    await putHookType(env.services, 'typed', {
      configuration: { size: { schema: { type: 'integer' }, required: true }, note: {} },
      events: { run: task },
    });
    await createHook(
      env.services,
      'cfg',
      'typed',
      { metadata: hookBody({}).metadata, hookType: 'typed', config: { size: 1 } },
      { scopes: ['*'] },
    );
    expect(await applyConfigChange(env.services, 'cfg', 'typed', { update: { other: 1 } }, {})).toBe(
      'key "other" is not defined by hook type typed',
    );
    expect(await applyConfigChange(env.services, 'cfg', 'typed', { remove: ['size'] }, {})).toBe(
      'key "size" is required by hook type typed and cannot be removed',
    );
    expect(await applyConfigChange(env.services, 'cfg', 'typed', { update: { size: 'big' } }, {})).toMatch(
      /size/,
    );
    expect(
      await applyConfigChange(env.services, 'cfg', 'typed', { update: { size: 2, note: 'x' } }, {}),
    ).toBeUndefined();
    expect((await getHook(env.services, 'cfg', 'typed')).definition.config).toEqual({ size: 2, note: 'x' });
  });

  it('an untyped hook’s change goes through the check given; a refusal changes nothing', async () => {
    await createHook(env.services, 'cfg', 'checked', hookBody(task, { config: { a: 1 } }), { scopes: ['*'] });
    const refused = await applyConfigChange(
      env.services,
      'cfg',
      'checked',
      { update: { a: 2 } },
      {},
      async (config) => (config.a === 1 ? 'a is frozen' : undefined),
    );
    expect(refused).toBe('a is frozen');
    expect((await getHook(env.services, 'cfg', 'checked')).definition.config).toEqual({ a: 1 });
  });

  it('a client without hooks:run-commands that changes the config takes the right away; a step keeps it', async () => {
    await createHook(env.services, 'cfg', 'right', hookBody(task), { scopes: ['*'] });
    expect((await getHook(env.services, 'cfg', 'right')).runCommands).toBe(true);
    await applyConfigChange(env.services, 'cfg', 'right', { update: { a: 1 } }, { runId: 'r' });
    expect((await getHook(env.services, 'cfg', 'right')).runCommands).toBe(true);
    await applyConfigChange(
      env.services,
      'cfg',
      'right',
      { update: { a: 2 } },
      { clientId: 'c', scopes: ['hooks:write:cfg/right'] },
    );
    expect((await getHook(env.services, 'cfg', 'right')).runCommands).toBe(false);
  });

  it('a hook that is gone is said so', async () => {
    expect(await applyConfigChange(env.services, 'cfg', 'missing', { update: { a: 1 } }, {})).toBe(
      'the hook no longer exists',
    );
  });
});
