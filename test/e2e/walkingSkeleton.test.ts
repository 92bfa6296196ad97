import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { hookBody, startTestStack, type TestStack, tempDataDir } from '../support/stack.ts';

describe('walking skeleton: create, trigger, read the run', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack.cleanup();
  });

  it('runs a command rendered from the payload and records its output and exit code', async () => {
    const created = await stack.api(
      'PUT',
      '/hooks/demo/hello',
      hookBody(
        {
          task: { name: 'greet', command: { $eval: '"echo hello " + payload.who + "; echo oops >&2"' } },
        },
        {
          triggerSchema: {
            type: 'object',
            properties: { who: { type: 'string' } },
            required: ['who'],
            additionalProperties: false,
          },
        },
      ),
    );
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ hookGroupId: 'demo', hookId: 'hello', schedule: [], bindings: [] });

    const fetched = await stack.api('GET', '/hooks/demo/hello');
    expect(fetched.status).toBe(200);
    expect(fetched.body).toEqual(created.body);

    const fired = await stack.api<{ runId: string; taskId: string }>('POST', '/hooks/demo/hello/trigger', {
      who: 'there',
    });
    expect(fired.status).toBe(200);
    expect(fired.body.runId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(fired.body.taskId).toBe(fired.body.runId);

    const run = await stack.waitForRunFinished(fired.body.runId);
    expect(run).toMatchObject({
      runId: fired.body.runId,
      hookGroupId: 'demo',
      hookId: 'hello',
      firedBy: 'triggerHook',
      status: 'finished',
      result: 'succeeded',
      counts: { total: 1, succeeded: 1, failed: 0, skipped: 0, cancelled: 0 },
    });
    expect(run.steps).toHaveLength(1);
    expect(run.steps[0]).toMatchObject({
      index: 0,
      phase: 'task',
      name: 'greet',
      status: 'succeeded',
      exitCode: 0,
    });
    expect(run.steps[0]!.output).toMatchObject({ stdout: 'hello there\n', stderr: 'oops\n' });
    expect(Date.parse(run.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(run.startedAt!));

    const output = await stack.api<{ stdout: string; stderr: string }>(
      'GET',
      `/runs/${fired.body.runId}/steps/0/output`,
    );
    expect(output.body.stdout).toBe('hello there\n');
    expect(output.body.stderr).toBe('oops\n');
  });

  it('records a failing command with its exit code', async () => {
    await stack.api(
      'PUT',
      '/hooks/demo/fails',
      hookBody({ task: { name: 'boom', command: 'echo bad; exit 3' } }),
    );
    const fired = await stack.api<{ runId: string }>('POST', '/hooks/demo/fails/trigger', {});
    const run = await stack.waitForRunFinished(fired.body.runId);
    expect(run.result).toBe('failed');
    expect(run.steps[0]).toMatchObject({
      status: 'failed',
      exitCode: 3,
      error: { message: 'the command exited with code 3' },
    });
  });

  it('answers bad input with a 4xx in Taskcluster error shape naming the field', async () => {
    const bad = await stack.api<{ code: string; message: string; requestInfo: unknown }>(
      'PUT',
      '/hooks/demo/bad',
      {
        metadata: { name: 'x', description: 'y', owner: 'not-an-email' },
        task: {},
      },
    );
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('InputValidationError');
    expect(bad.body.message).toContain('metadata.owner');
    expect(bad.body.requestInfo).toMatchObject({ method: 'PUT' });

    const unknownField = await stack.api<{ message: string }>('PUT', '/hooks/demo/bad', {
      ...hookBody({}),
      colour: 'red',
    });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.message).toContain('"colour"');

    const malformed = await stack.api<{ code: string }>('PUT', '/hooks/demo/bad', '{"metadata": ');
    expect(malformed.status).toBe(400);
    expect(malformed.body.code).toBe('MalformedPayload');

    const missing = await stack.api<{ code: string }>('GET', '/hooks/demo/nope');
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('ResourceNotFound');

    const missingRun = await stack.api<{ code: string }>('GET', '/runs/AAAAAAAAAAAAAAAAAAAAAA');
    expect(missingRun.status).toBe(404);
  });
});

describe('walking skeleton: data survives a restart', () => {
  it('finds the hook and its run after the stack restarts on the same data directory', async () => {
    const dataDir = tempDataDir();
    try {
      const first = await startTestStack({ dataDir });
      await first.api('PUT', '/hooks/keep/me', hookBody({ task: { name: 'say', command: 'echo kept' } }));
      const fired = await first.api<{ runId: string }>('POST', '/hooks/keep/me/trigger', {});
      await first.waitForRunFinished(fired.body.runId);
      await first.stop();

      const second = await startTestStack({ dataDir });
      try {
        const hook = await second.api('GET', '/hooks/keep/me');
        expect(hook.status).toBe(200);
        expect(hook.body).toMatchObject({ hookGroupId: 'keep', hookId: 'me' });
        const run = await second.api<{ result: string; steps: Array<{ output?: { stdout: string } }> }>(
          'GET',
          `/runs/${fired.body.runId}`,
        );
        expect(run.status).toBe(200);
        expect(run.body.result).toBe('succeeded');
        expect(run.body.steps[0]!.output?.stdout).toBe('kept\n');
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
