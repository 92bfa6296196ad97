import taskcluster from 'taskcluster-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hookStatusResponseSchema, lastFiresResponseSchema } from '../../../functions/api/schemas.ts';
import { hookBody, startTestStack, type TestStack } from '../../support/stack.ts';
import { expectShape, noopTask } from './helpers.ts';

/**
 * The published taskcluster-client's Hooks class, unchanged, against the local stack: it builds
 * `rootUrl + /api/hooks/v1/...`, URL-encodes path arguments (a `/` in a hookId goes as %2F) and signs
 * with Hawk when given credentials (here the root client's).
 */

type TcError = Error & { statusCode?: number; code?: string };
type Hooks = Record<string, (...args: unknown[]) => Promise<Record<string, unknown>>>;

let stack: TestStack;
let hooks: Hooks;
let anonymous: Hooks;

async function failure(promise: Promise<unknown>): Promise<TcError> {
  try {
    await promise;
  } catch (error) {
    return error as TcError;
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  stack = await startTestStack({ dataDir: null });
  const credentials = stack.rootCredentials;
  hooks = new taskcluster.Hooks({ rootUrl: stack.url, retries: 0, credentials }) as unknown as Hooks;
  anonymous = new taskcluster.Hooks({ rootUrl: stack.url, retries: 0, credentials: {} }) as unknown as Hooks;
});
afterAll(async () => {
  await stack?.cleanup();
});

describe('taskcluster-client Hooks', () => {
  const G = 'tc-group';
  const H = 'nested/hook'; // the client sends nested%2Fhook

  it('builds URLs under rootUrl/api/hooks/v1', () => {
    const url = (hooks as unknown as { buildUrl: (m: unknown, ...a: string[]) => string }).buildUrl(
      (hooks as unknown as { hook: unknown }).hook,
      G,
      H,
    );
    expect(url).toBe(`${stack.url}/api/hooks/v1/hooks/${G}/nested%2Fhook`);
  });

  it('ping', async () => {
    expect(await anonymous.ping!()).toMatchObject({ alive: true });
  });

  it('createHook, hook, listHookGroups, listHooks, updateHook', async () => {
    const triggerSchema = {
      type: 'object',
      properties: { who: { type: 'string', default: 'world' } },
      additionalProperties: false,
    };
    const created = await hooks.createHook!(G, H, hookBody(noopTask, { triggerSchema }));
    expect(created).toMatchObject({ hookGroupId: G, hookId: H, triggerSchema, schedule: [] });
    // identical again: fine; different: 409 RequestConflict
    await hooks.createHook!(G, H, hookBody(noopTask, { triggerSchema }));
    const conflict = await failure(
      hooks.createHook!(G, H, hookBody({ task: { name: 'x', command: ['false'] } })),
    );
    expect(conflict).toMatchObject({ statusCode: 409, code: 'RequestConflict' });

    expect(await hooks.hook!(G, H)).toEqual(created);
    expect((await hooks.listHookGroups!()).groups).toContain(G);
    expect((await hooks.listHooks!(G)).hooks).toEqual([created]);

    const updated = await hooks.updateHook!(G, H, hookBody({ task: { name: 'v2', command: ['true'] } }));
    expect(updated).toMatchObject({ task: { task: { name: 'v2' } }, triggerSchema });
    const missing = await failure(hooks.updateHook!(G, 'missing', hookBody(noopTask)));
    expect(missing).toMatchObject({ statusCode: 404, code: 'ResourceNotFound' });
    const invalid = await failure(hooks.createHook!(G, 'invalid', { metadata: {}, task: {} }));
    expect(invalid).toMatchObject({ statusCode: 400, code: 'InputValidationError' });
    expect(invalid.message).toMatch(/metadata\.name/);
  });

  it('triggerHook, getHookStatus, listLastFires', async () => {
    const fired = await hooks.triggerHook!(G, H, { who: 'tc' });
    expect(fired.taskId).toEqual(expect.any(String));
    expect(fired.status).toMatchObject({ taskId: fired.taskId });
    await stack.waitForRunFinished(fired.taskId as string);

    const status = expectShape(hookStatusResponseSchema, await hooks.getHookStatus!(G, H));
    expect(status.lastFire).toMatchObject({ result: 'success', taskId: fired.taskId });

    for (let i = 0; i < 3; i++) await hooks.triggerHook!(G, H, {});
    const page = expectShape(lastFiresResponseSchema, await hooks.listLastFires!(G, H, { limit: 2 }));
    expect(page.lastFires).toHaveLength(2);
    expect(page.continuationToken).toEqual(expect.any(String));
    const rest = expectShape(
      lastFiresResponseSchema,
      await hooks.listLastFires!(G, H, { limit: 2, continuationToken: page.continuationToken }),
    );
    expect(rest.lastFires).toHaveLength(2);
    expect(rest.lastFires[1]).toMatchObject({
      taskId: fired.taskId,
      result: 'success',
      firedBy: 'triggerHook',
    });

    const refused = await failure(hooks.triggerHook!(G, H, { who: 5 }));
    expect(refused).toMatchObject({ statusCode: 400, code: 'InputError' });
  });

  it('getTriggerToken, resetTriggerToken, triggerHookWithToken', async () => {
    const { token } = await hooks.getTriggerToken!(G, H);
    expect(token).toEqual(expect.any(String));
    // the token is the credential: no client credentials needed
    const fired = await anonymous.triggerHookWithToken!(G, H, token, { who: 'token' });
    expect(fired.taskId).toEqual(expect.any(String));

    const reset = await hooks.resetTriggerToken!(G, H);
    expect(reset.token).not.toBe(token);
    const old = await failure(anonymous.triggerHookWithToken!(G, H, token, {}));
    expect(old).toMatchObject({ statusCode: 401 });
    const unknown = await failure(anonymous.triggerHookWithToken!(G, 'no-such-hook', token, {}));
    expect(unknown).toMatchObject({ statusCode: 401, code: old.code });
    expect((await anonymous.triggerHookWithToken!(G, H, reset.token, {})).taskId).toEqual(expect.any(String));
  });

  it('refuses calls without credentials where they are needed', async () => {
    const error = await failure(anonymous.hook!(G, H));
    expect(error).toMatchObject({ statusCode: 401 });
  });

  it('removeHook', async () => {
    expect(await hooks.removeHook!(G, H)).toEqual({});
    expect(await failure(hooks.hook!(G, H))).toMatchObject({ statusCode: 404, code: 'ResourceNotFound' });
    expect(await failure(hooks.removeHook!(G, H))).toMatchObject({ statusCode: 404 });
    expect(await failure(hooks.listHooks!(G))).toMatchObject({ statusCode: 404 });
  });
});
