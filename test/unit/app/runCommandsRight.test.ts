import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHook, getHook } from '../../../functions/app/manageHooks.ts';
import {
  checkJobMayRunCommands,
  checkTemplatesMayRunCommands,
  grantsRunCommands,
  visiblyHoldsCommandStep,
} from '../../../functions/app/runCommandsRight.ts';
import { ROOT_CLIENT_ID } from '../../../functions/app/clients.ts';
import type { HookRecord } from '../../../functions/ports/store.ts';
import { hookBody } from '../../support/hookBody.ts';
import { type InProcessServices, inProcessServices } from './inProcessServices.ts';

/** The right of a hook to run command steps (functions/app/runCommandsRight.ts). */
let env: InProcessServices;
beforeAll(async () => {
  env = await inProcessServices();
});
afterAll(async () => {
  await env?.close();
});

const commandJob = { task: { name: 'c', command: ['true'] } };
const httpJob = { task: { name: 'h', http: { url: 'https://example.com/' } } };

describe('the right to run commands', () => {
  it('is granted by hooks:run-commands for that hook, or a wider scope', () => {
    expect(grantsRunCommands(['hooks:run-commands:ops/deploy'], 'ops', 'deploy')).toBe(true);
    expect(grantsRunCommands(['*'], 'ops', 'deploy')).toBe(true);
    expect(grantsRunCommands(['hooks:run-commands:ops/other'], 'ops', 'deploy')).toBe(false);
    expect(grantsRunCommands(['hooks:write:ops/deploy'], 'ops', 'deploy')).toBe(false);
  });

  it('sees a command step anywhere in a template, and nothing else as one', () => {
    expect(visiblyHoldsCommandStep(commandJob)).toBe(true);
    expect(visiblyHoldsCommandStep({ $if: 'x', then: { tasks: [[{ name: 'n', command: 'ls' }]] } })).toBe(
      true,
    );
    expect(visiblyHoldsCommandStep(httpJob)).toBe(false);
    expect(visiblyHoldsCommandStep({ command: 'ls' })).toBe(false);
    expect(visiblyHoldsCommandStep('name command')).toBe(false);
  });

  it('at create or update a visible command step without the right is refused with the scope named', () => {
    expect(() => checkTemplatesMayRunCommands('ops', 'deploy', [httpJob, commandJob], 'ci', false)).toThrow(
      expect.objectContaining({
        code: 'InsufficientScopes',
        statusCode: 403,
        details: {
          requiredScopes: ['hooks:run-commands:ops/deploy'],
          missingScopes: ['hooks:run-commands:ops/deploy'],
        },
      }),
    );
    expect(() => checkTemplatesMayRunCommands('ops', 'deploy', [httpJob], 'ci', false)).not.toThrow();
    expect(() => checkTemplatesMayRunCommands('ops', 'deploy', [commandJob], 'ci', true)).not.toThrow();
  });

  it('at fire a rendered command step runs only for a hook with the right', async () => {
    await createHook(env.services, 'right', 'http', hookBody(httpJob), {
      scopes: ['hooks:write:right/http'],
      clientId: 'ci',
    });
    const hook = await getHook(env.services, 'right', 'http');
    expect(hook.runCommands).toBe(false);
    const job = { task: { name: 'c', command: ['true'] } };
    await expect(checkJobMayRunCommands(env.services, hook, job)).rejects.toMatchObject({
      code: 'InsufficientScopes',
      message: expect.stringContaining('the rendered job of hook right/http holds a command step'),
    });
    await expect(
      checkJobMayRunCommands(env.services, hook, { task: httpJob.task } as never),
    ).resolves.toBeUndefined();
    await expect(
      checkJobMayRunCommands(env.services, { ...hook, runCommands: true }, job),
    ).resolves.toBeUndefined();
  });

  it('a hook stored before the right existed keeps it only if its last create or update was by root or anonymous', async () => {
    await createHook(env.services, 'right', 'legacy', hookBody(commandJob), {
      scopes: ['*'],
      clientId: ROOT_CLIENT_ID,
    });
    const stored = await getHook(env.services, 'right', 'legacy');
    const legacy: HookRecord = { ...stored };
    delete legacy.runCommands;
    const job = { task: { name: 'c', command: ['true'] } };
    await expect(checkJobMayRunCommands(env.services, legacy, job)).resolves.toBeUndefined();

    await createHook(env.services, 'right', 'legacy-ci', hookBody(httpJob), {
      scopes: ['*'],
      clientId: 'ci',
    });
    const byClient: HookRecord = { ...(await getHook(env.services, 'right', 'legacy-ci')) };
    delete byClient.runCommands;
    await expect(checkJobMayRunCommands(env.services, byClient, job)).rejects.toMatchObject({
      code: 'InsufficientScopes',
    });
  });
});
