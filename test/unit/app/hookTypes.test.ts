import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkTypeName, deleteHookType, getHookType, putHookType } from '../../../functions/app/hookTypes.ts';
import { createHook } from '../../../functions/app/manageHooks.ts';
import { hookBody } from '../../support/hookBody.ts';
import { type InProcessServices, inProcessServices } from './inProcessServices.ts';

/** Managing hook types (functions/app/hookTypes.ts). */
let env: InProcessServices;
beforeAll(async () => {
  env = await inProcessServices();
});
afterAll(async () => {
  await env?.close();
});

const runEvent = { run: { task: { name: 't', command: ['true'] } } };

describe('hook types', () => {
  it('a name outside ^[a-zA-Z0-9-_]{1,100}$ is a 400 naming the rule', () => {
    expect(() => checkTypeName('ok_name-1')).not.toThrow();
    for (const bad of ['', 'a/b', 'x'.repeat(101), 'dot.name'])
      expect(() => checkTypeName(bad)).toThrow(
        expect.objectContaining({ code: 'InputError', statusCode: 400 }),
      );
  });

  it('stores a valid type with its defaults, and gets it back; a missing one is a 404', async () => {
    const stored = await putHookType(env.services, 'build', { events: runEvent });
    expect(stored).toEqual({ name: 'build', description: '', configuration: {}, events: runEvent });
    expect(await getHookType(env.services, 'build')).toMatchObject({ name: 'build', events: runEvent });
    await expect(getHookType(env.services, 'nope')).rejects.toMatchObject({ code: 'ResourceNotFound' });
    expect(
      env.logs.lines.some((l) => l.message === 'hook type stored' && l.fields?.hookType === 'build'),
    ).toBe(true);
  });

  it('refuses an invalid body: no events, an unknown event, an unknown field', async () => {
    await expect(putHookType(env.services, 'bad', { events: {} })).rejects.toMatchObject({ statusCode: 400 });
    await expect(putHookType(env.services, 'bad', { events: { nightly: {} } })).rejects.toMatchObject({
      statusCode: 400,
      message: expect.stringContaining('unknown event "nightly"'),
    });
    await expect(putHookType(env.services, 'bad', { events: runEvent, extra: 1 })).rejects.toMatchObject({
      statusCode: 400,
    });
    await expect(getHookType(env.services, 'bad')).rejects.toMatchObject({ code: 'ResourceNotFound' });
  });

  it('keeps the script folder only when the operator’s folder loader gives it', async () => {
    expect(
      await putHookType(env.services, 'scripted', { events: runEvent }, '/srv/types/scripted.hook'),
    ).toMatchObject({
      scriptFolder: '/srv/types/scripted.hook',
    });
  });

  it('a type in use cannot be deleted (409 naming its hooks); an unused one can', async () => {
    await putHookType(env.services, 'used', { events: runEvent });
    await createHook(
      env.services,
      'types',
      'user',
      { metadata: hookBody({}).metadata, hookType: 'used' },
      { scopes: ['*'] },
    );
    await expect(deleteHookType(env.services, 'used')).rejects.toMatchObject({
      code: 'RequestConflict',
      message: 'hook type used is used by 1 hook(s) (types/user); remove them first',
    });
    await putHookType(env.services, 'unused', { events: runEvent });
    await deleteHookType(env.services, 'unused');
    await expect(getHookType(env.services, 'unused')).rejects.toMatchObject({ code: 'ResourceNotFound' });
    await expect(deleteHookType(env.services, 'unused')).rejects.toMatchObject({ code: 'ResourceNotFound' });
  });
});
