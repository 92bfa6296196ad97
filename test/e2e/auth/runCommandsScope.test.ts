import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Credentials } from '../../../functions/app/clients.ts';
import { hookBody, startTestStack, type TestStack } from '../../support/stack.ts';

/**
 * `hooks:run-commands:<g>/<h>`: a hook runs `command` steps only if the client that last created or
 * updated it held the scope. Checked at create/update on what the template visibly holds, and at
 * every fire on the rendered job (a template can build its steps from the payload).
 */
let stack: TestStack;
let editor: Credentials; // may modify hooks in group sc, may not run commands
let runner: Credentials; // may modify hooks in group sc and run commands there

type ErrorBody = { code: string; message: string };

beforeAll(async () => {
  stack = await startTestStack({ dataDir: null });
  const make = async (clientId: string, scopes: string[]) => {
    const res = await stack.api<{ accessToken: string }>('PUT', `/clients/${clientId}`, { scopes });
    expect(res.status).toBe(200);
    return { clientId, accessToken: res.body.accessToken };
  };
  editor = await make('editor', ['hooks:modify-hook:sc/*', 'hooks:trigger-hook:sc/*']);
  runner = await make('runner', [
    'hooks:modify-hook:sc/*',
    'hooks:trigger-hook:sc/*',
    'hooks:run-commands:sc/*',
  ]);
});
afterAll(async () => {
  await stack?.cleanup();
});

const commandJob = { task: { name: 'hello', command: ['echo', 'hello'] } };
const httpJob = { task: { name: 'ping', http: { url: 'http://127.0.0.1:9/unused' } } };
/** A template whose steps come from the payload: nothing visible to check at create time. */
const payloadBuilt = {
  tasks: { $eval: 'payload.steps' },
};
const openSchema = { triggerSchema: { type: 'object', additionalProperties: true } };

describe('creating and updating a hook', () => {
  it('a visible command step without the scope is a 403 naming it', async () => {
    const res = await stack.apiAs<ErrorBody>(editor, 'PUT', '/hooks/sc/visible', hookBody(commandJob));
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('InsufficientScopes');
    expect(res.body.message).toContain('hooks:run-commands:sc/visible');
    expect((await stack.api('GET', '/hooks/sc/visible')).status).toBe(404);
  });

  it('with the scope (or as root, through *) it is accepted', async () => {
    expect((await stack.apiAs(runner, 'PUT', '/hooks/sc/by-runner', hookBody(commandJob))).status).toBe(200);
    expect((await stack.api('PUT', '/hooks/sc/by-root', hookBody(commandJob))).status).toBe(200);
  });

  it('an update without the scope may not show a command step, and takes the right away', async () => {
    expect((await stack.api('PUT', '/hooks/sc/updated', hookBody(commandJob))).status).toBe(200);
    const refused = await stack.apiAs<ErrorBody>(editor, 'POST', '/hooks/sc/updated', hookBody(commandJob));
    expect(refused.status).toBe(403);
    expect(refused.body.message).toContain('hooks:run-commands:sc/updated');
    // an update to a template without commands is fine, and the hook no longer may run commands
    expect(
      (await stack.apiAs(editor, 'POST', '/hooks/sc/updated', hookBody(payloadBuilt, openSchema))).status,
    ).toBe(200);
    const fired = await stack.apiAs<ErrorBody>(editor, 'POST', '/hooks/sc/updated/trigger', {
      steps: [{ name: 'sneaky', command: ['id'] }],
    });
    expect(fired.status).toBe(403);
    expect(fired.body.message).toContain('hooks:run-commands:sc/updated');
  });

  it("a typed hook whose type's template holds a command step needs the scope too", async () => {
    const type = {
      description: 'runs a command',
      configuration: {},
      events: { run: { task: { name: 'typed', command: ['true'] } } },
    };
    expect((await stack.api('PUT', '/hook-types/with-command', type)).status).toBe(200);
    const typed = { metadata: hookBody({}).metadata, hookType: 'with-command', config: {} };
    const res = await stack.apiAs<ErrorBody>(editor, 'PUT', '/hooks/sc/typed', typed);
    expect(res.status).toBe(403);
    expect(res.body.message).toContain('hooks:run-commands:sc/typed');
    expect((await stack.apiAs(runner, 'PUT', '/hooks/sc/typed', typed)).status).toBe(200);
  });
});

describe('firing a hook whose rendered job holds a command step', () => {
  it('is refused when the hook lacks the right, and the fire is recorded as an error naming the scope', async () => {
    expect(
      (await stack.apiAs(editor, 'PUT', '/hooks/sc/built', hookBody(payloadBuilt, openSchema))).status,
    ).toBe(200);
    // http steps only: runs
    const http = await stack.apiAs<{ runId: string }>(editor, 'POST', '/hooks/sc/built/trigger', {
      steps: [httpJob.task],
    });
    expect(http.status).toBe(200);
    // a command step built from the payload: refused, even when root fires it
    const refused = await stack.api<ErrorBody>('POST', '/hooks/sc/built/trigger', {
      steps: [{ name: 'sneaky', command: ['id'] }],
    });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('InsufficientScopes');
    expect(refused.body.message).toContain('hooks:run-commands:sc/built');
    const fires = await stack.api<{ lastFires: { result: string; error: string }[] }>(
      'GET',
      '/hooks/sc/built/last-fires',
    );
    expect(fires.body.lastFires[0]).toMatchObject({ result: 'error' });
    expect(fires.body.lastFires[0]!.error).toContain('hooks:run-commands:sc/built');
  });

  it('runs when the client that last changed the hook held the scope', async () => {
    expect(
      (await stack.apiAs(runner, 'PUT', '/hooks/sc/built-ok', hookBody(payloadBuilt, openSchema))).status,
    ).toBe(200);
    const fired = await stack.apiAs<{ runId: string }>(editor, 'POST', '/hooks/sc/built-ok/trigger', {
      steps: [{ name: 'hello', command: ['echo', 'hi'] }],
    });
    expect(fired.status).toBe(200);
    const run = await stack.waitForRunFinished(fired.body.runId);
    expect(run.result).toBe('succeeded');
  });
});

describe("changing a hook's config", () => {
  it('by a client without the scope takes the right away (config is template input)', async () => {
    const fromConfig = { tasks: { $eval: 'config.steps' } };
    const steps = [{ name: 'hello', command: ['echo', 'hi'] }];
    const created = await stack.apiAs(
      runner,
      'PUT',
      '/hooks/sc/from-config',
      hookBody(fromConfig, { config: { steps } }),
    );
    expect(created.status).toBe(200);
    const fired = await stack.apiAs<{ runId: string }>(editor, 'POST', '/hooks/sc/from-config/trigger', {});
    expect(fired.status).toBe(200);
    expect((await stack.waitForRunFinished(fired.body.runId)).result).toBe('succeeded');

    const sneaky = [{ name: 'sneaky', command: ['id'] }];
    expect(
      (await stack.apiAs(editor, 'PUT', '/hooks/sc/from-config/config/steps', { value: sneaky })).status,
    ).toBe(200);
    const refused = await stack.apiAs<ErrorBody>(editor, 'POST', '/hooks/sc/from-config/trigger', {});
    expect(refused.status).toBe(403);
    expect(refused.body.message).toContain('hooks:run-commands:sc/from-config');
  });
});

describe('hooks stored before the right existed (no runCommands on the record)', () => {
  async function legacy(hookId: string, lastAuthor: string) {
    expect((await stack.api('PUT', `/hooks/sc/${hookId}`, hookBody(commandJob))).status).toBe(200);
    const record = (await stack.services.store.getHook('sc', hookId))!;
    const { runCommands: _dropped, ...before } = record;
    await stack.services.store.replaceHook({ ...before, version: record.version + 1 }, record.version);
    await stack.services.store.putAudit({
      hookGroupId: 'sc',
      hookId,
      time: new Date(Date.now() + 1000).toISOString(),
      action: 'update',
      clientId: lastAuthor,
    });
  }

  it('keep running commands when the root client made their last change', async () => {
    await legacy('legacy-root', 'root');
    const fired = await stack.api<{ runId: string }>('POST', '/hooks/sc/legacy-root/trigger', {});
    expect(fired.status).toBe(200);
    expect((await stack.waitForRunFinished(fired.body.runId)).result).toBe('succeeded');
  });

  it('are refused when another client made their last change, until an update by a client with the scope', async () => {
    await legacy('legacy-other', 'editor');
    const refused = await stack.api<ErrorBody>('POST', '/hooks/sc/legacy-other/trigger', {});
    expect(refused.status).toBe(403);
    expect(refused.body.message).toContain('hooks:run-commands:sc/legacy-other');
    expect((await stack.apiAs(runner, 'POST', '/hooks/sc/legacy-other', hookBody(commandJob))).status).toBe(
      200,
    );
    const fired = await stack.api<{ runId: string }>('POST', '/hooks/sc/legacy-other/trigger', {});
    expect(fired.status).toBe(200);
  });
});
