import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHook, getHook, triggerTokenFor } from '../../../functions/app/manageHooks.ts';
import { checkTriggerToken } from '../../../functions/app/triggerWithToken.ts';
import { hookBody } from '../../support/hookBody.ts';
import { type InProcessServices, inProcessServices } from './inProcessServices.ts';

/** Trigger tokens (functions/app/triggerWithToken.ts): one answer for a wrong token and an unknown hook. */
let env: InProcessServices;
let token: string;
beforeAll(async () => {
  env = await inProcessServices();
  await createHook(env.services, 'tok', 'deploy', hookBody({ task: { name: 't', command: ['true'] } }), {
    scopes: ['*'],
  });
  token = triggerTokenFor(env.services, await getHook(env.services, 'tok', 'deploy'));
});
afterAll(async () => {
  await env?.close();
});

describe('checkTriggerToken', () => {
  it('the hook’s token gives the hook', async () => {
    const hook = await checkTriggerToken(env.services, 'tok', 'deploy', token);
    expect(hook.definition).toMatchObject({ hookGroupId: 'tok', hookId: 'deploy' });
  });

  it('a wrong token, another hook’s id, and an unknown hook get the same 401 and a log line', async () => {
    const refusals = await Promise.all(
      [
        ['tok', 'deploy', `${token}x`],
        ['tok', 'deploy', ''],
        ['tok', 'missing', token],
        ['other', 'deploy', token],
      ].map(([group, id, t]) => checkTriggerToken(env.services, group!, id!, t!).catch((e: unknown) => e)),
    );
    for (const refusal of refusals)
      expect(refusal).toMatchObject({
        code: 'AuthenticationFailed',
        statusCode: 401,
        message: 'the trigger token is not valid for this hook',
      });
    const logged = env.logs.lines.filter((l) => l.message === 'trigger token refused');
    expect(logged).toHaveLength(4);
    expect(JSON.stringify(logged)).not.toContain(token);
  });

  it('only the first 512 characters of a token are compared', async () => {
    await expect(
      checkTriggerToken(env.services, 'tok', 'deploy', `${token}${'a'.repeat(100_000)}`),
    ).rejects.toMatchObject({
      code: 'AuthenticationFailed',
    });
  });
});
