import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkFiringPaths, renderForCheck } from '../../../functions/app/checkHook.ts';
import { createHook, getHook } from '../../../functions/app/manageHooks.ts';
import type { HookDefinition } from '../../../functions/core/hookDefinition.ts';
import { hookBody } from '../../support/hookBody.ts';
import { type InProcessServices, inProcessServices } from './inProcessServices.ts';

/** Checking a hook before it fires (functions/app/checkHook.ts): the render preview and the create-time check. */
let env: InProcessServices;
let base: HookDefinition;
beforeAll(async () => {
  env = await inProcessServices();
  await createHook(env.services, 'check', 'base', hookBody({ task: { name: 't', command: ['true'] } }), {
    scopes: ['*'],
  });
  base = (await getHook(env.services, 'check', 'base')).definition;
});
afterAll(async () => {
  await env?.close();
});

/** A triggerSchema that takes any object. */
const open = { type: 'object' };
const echo = (expression: string) => ({ task: { name: 't', command: ['echo', { $eval: expression }] } });

describe('renderForCheck', () => {
  it('renders the job a fire would, with the payload, the client and the injected clock', async () => {
    const definition = {
      ...base,
      triggerSchema: open,
      task: echo('payload.branch + " " + clientId + " " + now'),
    };
    expect(
      await renderForCheck(env.services, definition, {
        firedBy: 'triggerHook',
        payload: { branch: 'main' },
        clientId: 'ci',
      }),
    ).toMatchObject({ task: { command: ['echo', 'main ci 2030-01-01T00:00:00.000Z'] } });
  });

  it('an event fire takes the event’s detail as the payload', async () => {
    const definition = { ...base, triggerSchema: open, task: echo('payload.n + event.source') };
    const job = await renderForCheck(env.services, definition, {
      firedBy: 'event',
      event: { source: 'shop', detail: { n: 'order-' } },
    });
    expect(job).toMatchObject({ task: { command: ['echo', 'order-shop'] } });
  });

  it('a template that declines answers null', async () => {
    const definition = { ...base, triggerSchema: open, task: { $if: 'payload.go', then: echo('"x"') } };
    const render = (go: boolean) =>
      renderForCheck(env.services, definition, { firedBy: 'triggerHook', payload: { go } });
    expect(await render(false)).toBeNull();
    expect(await render(true)).toMatchObject({ task: { command: ['echo', 'x'] } });
  });

  it('a payload the triggerSchema refuses is the 400 the fire would answer', async () => {
    const definition = { ...base, triggerSchema: { type: 'object', required: ['branch'] } };
    await expect(
      renderForCheck(env.services, definition, { firedBy: 'triggerHook', payload: {} }),
    ).rejects.toMatchObject({
      statusCode: 400,
      message: expect.stringContaining('triggerSchema'),
    });
  });
});

describe('checkFiringPaths', () => {
  it('a schedule whose render fails is refused, naming the path', async () => {
    const definition = { ...base, schedule: ['0 * * * *'], task: echo('payload.branch') };
    await expect(checkFiringPaths(env.services, definition, undefined)).rejects.toMatchObject({
      statusCode: 400,
      message: expect.stringMatching(/^fired by its schedule: /),
    });
  });

  it('a binding is rendered with an event made of its pattern’s values; a missing value is not held against it', async () => {
    const fine = {
      ...base,
      bindings: [{ source: ['shop'], detail: { kind: ['order'] } }],
      task: echo('event.detail.kind + event.detail.optional.deep'),
    };
    await expect(checkFiringPaths(env.services, fine, undefined)).resolves.toBeUndefined();
    const invalid = {
      ...base,
      bindings: [{ source: ['shop'] }],
      task: { task: { name: 't', command: [{ $eval: 'event.source' }], bogus: true } },
    };
    await expect(checkFiringPaths(env.services, invalid, undefined)).rejects.toMatchObject({
      statusCode: 400,
      message: expect.stringMatching(
        /^fired by bindings\[0\] \(an event with the pattern's values\): task template rendered an invalid job/,
      ),
    });
  });

  it('a trigger is rendered with the triggerSchema’s defaults; none is rendered when input is required', async () => {
    const withDefaults = {
      ...base,
      triggerSchema: { type: 'object', properties: { n: { type: 'integer', default: 3 } } },
      task: { task: { name: 't', command: [{ $eval: 'payload.n' }] } },
    };
    await expect(checkFiringPaths(env.services, withDefaults, 'ci')).rejects.toMatchObject({
      message: expect.stringMatching(/^triggered with the triggerSchema's defaults: /),
    });
    const needsInput = { ...withDefaults, triggerSchema: { type: 'object', required: ['n'] } };
    await expect(checkFiringPaths(env.services, needsInput, 'ci')).resolves.toBeUndefined();
  });

  it('createHook runs the check: a hook that cannot fire on its schedule is never stored', async () => {
    await expect(
      createHook(env.services, 'check', 'bad', hookBody(echo('payload.x'), { schedule: ['0 * * * *'] }), {
        scopes: ['*'],
      }),
    ).rejects.toMatchObject({ statusCode: 400 });
    expect(await env.services.store.getHook('check', 'bad')).toBeUndefined();
  });
});
