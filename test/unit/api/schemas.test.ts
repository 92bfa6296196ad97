import { describe, expect, it } from 'vitest';
import type * as z from 'zod';
import {
  artifactNameParamSchema,
  clientIdSchema,
  configKeyParamSchema,
  continuationTokenQuerySchema,
  DEFAULT_PAGE_SIZE,
  hookDefinitionInputSchema,
  hookDefinitionSchema,
  hookGroupIdSchema,
  hookIdSchema,
  idempotencyKeyHeaderSchema,
  lastFireSchema,
  limitQuerySchema,
  MAX_PAGE_SIZE,
  matchEventInputSchema,
  runIdSchema,
  stepIndexSchema,
  triggerPayloadSchema,
  triggerResponseSchema,
  triggerTokenParamSchema,
} from '../../../functions/api/schemas.ts';

/**
 * The API's request shapes (functions/api/schemas.ts): what each accepts at its bounds and what it
 * refuses just past them, and the messages that name the problem.
 */
const ok = (schema: z.ZodType, value: unknown) => schema.safeParse(value).success;
const problems = (schema: z.ZodType, value: unknown) => {
  const parsed = schema.safeParse(value);
  if (parsed.success) throw new Error(`${JSON.stringify(value)} was accepted`);
  return parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('ids', () => {
  it('hook group ids: letters, digits, - and _, 1 to 1000', () => {
    for (const id of ['a', 'Team_1-ci', 'x'.repeat(1000)]) expect(ok(hookGroupIdSchema, id), id).toBe(true);
    for (const id of ['', 'x'.repeat(1001), 'a/b', 'a b', 'a.b', 'ü'])
      expect(problems(hookGroupIdSchema, id)).toEqual([': must match ^[a-zA-Z0-9-_]{1,1000}$']);
  });

  it('hook ids: the same, and "/" too', () => {
    for (const id of ['nightly/backup', '/', 'a/b/c', 'x'.repeat(1000)])
      expect(ok(hookIdSchema, id), id).toBe(true);
    for (const id of ['', 'x'.repeat(1001), 'a%2Fb', 'a:b', 'a\nb'])
      expect(problems(hookIdSchema, id)).toEqual([': must match ^[a-zA-Z0-9-_/]{1,1000}$']);
  });

  it('run ids: slugids, 8 to 80 characters', () => {
    for (const id of ['abcdefgh', 'AbC-d_E9xYz12345678901', 'x'.repeat(80)])
      expect(ok(runIdSchema, id), id).toBe(true);
    for (const id of ['abcdefg', 'x'.repeat(81), 'abcdefgh/', 'abcd efgh', '../../etc'])
      expect(problems(runIdSchema, id)).toEqual([': is not a run id']);
  });

  it('client ids: Taskcluster’s characters, "/" and "@" included, 1 to 256', () => {
    for (const id of ['root', 'team/ci@example.com', 'a!b:c.d+e|f_g-h', 'x'.repeat(256)])
      expect(ok(clientIdSchema, id), id).toBe(true);
    for (const id of ['', 'x'.repeat(257), 'a b', 'a#b', 'a?b', 'a%2F'])
      expect(ok(clientIdSchema, id), id).toBe(false);
  });

  it('step indexes 0 to 9999, whole numbers', () => {
    for (const n of [0, 1, 9999]) expect(ok(stepIndexSchema, n)).toBe(true);
    for (const n of [-1, 10_000, 1.5, '1', Number.NaN]) expect(ok(stepIndexSchema, n), String(n)).toBe(false);
  });

  it('artifact names: no path, no leading dot, at most 200', () => {
    for (const name of ['report.html', 'a', 'x'.repeat(200), 'build-1_2.tar.gz'])
      expect(ok(artifactNameParamSchema, name), name).toBe(true);
    for (const name of ['', '.hidden', '../x', 'a/b', 'x'.repeat(201), '-flag'])
      expect(ok(artifactNameParamSchema, name), name).toBe(false);
  });

  it('config keys: an identifier with -, at most 100', () => {
    for (const key of ['channel', '_x', 'a-b_9', `a${'x'.repeat(99)}`])
      expect(ok(configKeyParamSchema, key)).toBe(true);
    for (const key of ['', '9lives', '-x', 'a.b', `a${'x'.repeat(100)}`])
      expect(ok(configKeyParamSchema, key), key).toBe(false);
  });
});

describe('paging, tokens and headers', () => {
  it(`limit: 1 to ${MAX_PAGE_SIZE}, ${DEFAULT_PAGE_SIZE} when absent`, () => {
    expect(limitQuerySchema.parse(undefined)).toBe(100);
    expect(limitQuerySchema.parse(1)).toBe(1);
    expect(limitQuerySchema.parse(1000)).toBe(1000);
    for (const n of [0, 1001, 2.5, -1]) expect(ok(limitQuerySchema, n), String(n)).toBe(false);
  });

  it('continuation tokens: url-safe base64 text, 1 to 2048', () => {
    for (const t of ['a', 'eyJrIjoxfQ', 'A-_z', 'x'.repeat(2048)])
      expect(ok(continuationTokenQuerySchema, t)).toBe(true);
    for (const t of ['', 'x'.repeat(2049), 'a=', 'a+b', 'a/b', 'a b'])
      expect(ok(continuationTokenQuerySchema, t), t).toBe(false);
  });

  it('Idempotency-Key: 1 to 255 printable ASCII characters without spaces, the refusal says so', () => {
    for (const key of ['k', 'order-42:retry#1', '~'.repeat(255)])
      expect(ok(idempotencyKeyHeaderSchema, key)).toBe(true);
    for (const key of ['', 'a b', 'x'.repeat(256), 'tab\there', 'é'])
      expect(problems(idempotencyKeyHeaderSchema, key)).toEqual([
        ': must be 1 to 255 printable ASCII characters without spaces',
      ]);
  });

  it('trigger tokens in the path: 1 to 512 characters', () => {
    expect(ok(triggerTokenParamSchema, 't')).toBe(true);
    expect(ok(triggerTokenParamSchema, 'x'.repeat(512))).toBe(true);
    expect(ok(triggerTokenParamSchema, '')).toBe(false);
    expect(ok(triggerTokenParamSchema, 'x'.repeat(513))).toBe(false);
  });
});

describe('the hook definition input', () => {
  const metadata = { name: 'n', description: 'd', owner: 'ops@example.com' };
  const task = { name: 't', command: ['true'] };

  it('applies the defaults a stored hook has', () => {
    expect(hookDefinitionInputSchema.parse({ metadata, task })).toEqual({
      metadata: { ...metadata, emailOnError: true },
      task,
      schedule: [],
      bindings: [],
      scheduleTimezone: 'UTC',
      catchUp: 'latest',
    });
  });

  it('needs a task, or a hook type whose run template is the task', () => {
    expect(problems(hookDefinitionInputSchema, { metadata })).toEqual([
      'task: task is required (or name a hookType whose run template is used)',
    ]);
    expect(ok(hookDefinitionInputSchema, { metadata, hookType: 'notify' })).toBe(true);
  });

  it('bounds the metadata: a name of 1 to 255, a description up to 32 KiB, an email owner', () => {
    expect(ok(hookDefinitionInputSchema, { metadata: { ...metadata, name: 'x'.repeat(255) }, task })).toBe(
      true,
    );
    expect(
      ok(hookDefinitionInputSchema, { metadata: { ...metadata, description: 'x'.repeat(32_768) }, task }),
    ).toBe(true);
    expect(problems(hookDefinitionInputSchema, { metadata: { ...metadata, name: '' }, task })[0]).toMatch(
      /^metadata\.name: /,
    );
    expect(
      problems(hookDefinitionInputSchema, { metadata: { ...metadata, name: 'x'.repeat(256) }, task })[0],
    ).toMatch(/^metadata\.name: /);
    expect(
      problems(hookDefinitionInputSchema, {
        metadata: { ...metadata, description: 'x'.repeat(32_769) },
        task,
      })[0],
    ).toMatch(/^metadata\.description: /);
    expect(
      problems(hookDefinitionInputSchema, { metadata: { ...metadata, owner: 'nobody' }, task })[0],
    ).toMatch(/^metadata\.owner: /);
  });

  it('takes at most 50 schedules and 50 bindings', () => {
    const schedules = (n: number) => Array.from({ length: n }, (_, i) => `${i} 3 * * *`);
    const bindings = (n: number) => Array.from({ length: n }, (_, i) => ({ source: [`s${i}`] }));
    expect(ok(hookDefinitionInputSchema, { metadata, task, schedule: schedules(50) })).toBe(true);
    expect(problems(hookDefinitionInputSchema, { metadata, task, schedule: schedules(51) })[0]).toMatch(
      /^schedule: /,
    );
    expect(ok(hookDefinitionInputSchema, { metadata, task, bindings: bindings(50) })).toBe(true);
    expect(problems(hookDefinitionInputSchema, { metadata, task, bindings: bindings(51) })[0]).toMatch(
      /^bindings: /,
    );
  });

  it('names a bad schedule, a bad event pattern and a bad time zone', () => {
    expect(problems(hookDefinitionInputSchema, { metadata, task, schedule: ['every day'] })[0]).toMatch(
      /^schedule\.0: invalid schedule "every day": /,
    );
    expect(
      problems(hookDefinitionInputSchema, { metadata, task, bindings: [{ source: 'shop' }] })[0],
    ).toMatch(/^bindings\.0: invalid event pattern: /);
    expect(problems(hookDefinitionInputSchema, { metadata, task, scheduleTimezone: 'Mars/Olympus' })).toEqual(
      ['scheduleTimezone: must be an IANA time zone name such as Europe/Berlin'],
    );
  });

  it('refuses fields it does not know, and a concurrency limit outside 1 to 1000', () => {
    expect(problems(hookDefinitionInputSchema, { metadata, task, extra: 1 })[0]).toMatch(/extra/);
    expect(ok(hookDefinitionInputSchema, { metadata, task, concurrency: { limit: 1000 } })).toBe(true);
    expect(ok(hookDefinitionInputSchema, { metadata, task, concurrency: { limit: 0 } })).toBe(false);
    expect(ok(hookDefinitionInputSchema, { metadata, task, concurrency: { limit: 1001 } })).toBe(false);
  });

  it('refuses a trigger schema that does not compile', () => {
    expect(
      problems(hookDefinitionInputSchema, { metadata, task, triggerSchema: { type: 'no-such-type' } })[0],
    ).toMatch(/^triggerSchema: /);
  });
});

describe('trigger payloads', () => {
  it('take any JSON value unchanged: the hook’s own triggerSchema judges them, the body reader bounds them', () => {
    // functions/api/requestBody.ts bounds every body (1 MiB, 64 levels); fireHook the stored run input.
    for (const payload of [{ a: 1 }, [1, 2], 'text', 0, null, true, {}])
      expect(triggerPayloadSchema.parse(payload)).toEqual(payload);
  });

  it('answer one of three shapes: a run, nothing fired, or skipped by the concurrency limit', () => {
    expect(
      ok(triggerResponseSchema, { runId: 'r1', taskId: 'r1', status: { taskId: 'r1', runId: 'r1' } }),
    ).toBe(true);
    expect(ok(triggerResponseSchema, {})).toBe(true);
    expect(ok(triggerResponseSchema, { skipped: true, reason: 'limit 1 reached' })).toBe(true);
    expect(ok(triggerResponseSchema, { skipped: false, reason: 'x' })).toBe(false);
    expect(ok(triggerResponseSchema, { runId: 'r1' })).toBe(false);
  });
});

describe('responses and other inputs', () => {
  it('a stored hook definition has every default applied and nothing else', () => {
    const stored = {
      hookGroupId: 'g',
      hookId: 'h/1',
      metadata: { name: 'n', description: '', owner: 'a@example.com', emailOnError: true },
      task: {},
      schedule: [],
      bindings: [],
      triggerSchema: {},
      scheduleTimezone: 'UTC',
      catchUp: 'none',
    };
    expect(ok(hookDefinitionSchema, stored)).toBe(true);
    expect(ok(hookDefinitionSchema, { ...stored, secret: 'x' })).toBe(false);
    const { scheduleTimezone: _, ...missing } = stored;
    expect(ok(hookDefinitionSchema, missing)).toBe(false);
  });

  it('a last fire is a success, an error with its message, or no fire', () => {
    const run = {
      runId: 'r1',
      taskId: 'r1',
      time: '2030-01-01T00:00:00.000Z',
      runState: null,
      runResult: null,
    };
    expect(ok(lastFireSchema, { result: 'success', ...run })).toBe(true);
    expect(ok(lastFireSchema, { result: 'error', ...run, error: 'render failed' })).toBe(true);
    expect(ok(lastFireSchema, { result: 'error', ...run })).toBe(false);
    expect(ok(lastFireSchema, { result: 'no-fire' })).toBe(true);
    expect(ok(lastFireSchema, { result: 'success', ...run, time: 'yesterday' })).toBe(false);
  });

  it('event matching takes one event object and nothing else', () => {
    expect(ok(matchEventInputSchema, { event: { source: 's' } })).toBe(true);
    for (const body of [{}, { event: [] }, { event: 'text' }, { event: {}, extra: 1 }])
      expect(ok(matchEventInputSchema, body), JSON.stringify(body)).toBe(false);
  });
});
