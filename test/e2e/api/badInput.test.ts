import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATIONS } from '../../../functions/api/openapi.ts';
import { MAX_BODY_BYTES } from '../../../functions/api/requestBody.ts';
import { bearer, hookBody, startTestStack, type TestStack } from '../../support/stack.ts';
import { expectError, noopTask, rawRequest } from './helpers.ts';

/**
 * Bad input on every endpoint: each answers with a 4xx in Taskcluster's `{code, message, requestInfo}`
 * shape whose message names the problem — never a 5xx.
 */

let stack: TestStack;
let runId: string;
let token: string;
const V = '/api/hooks/v1';

beforeAll(async () => {
  stack = await startTestStack({ dataDir: null });
  await stack.api('PUT', '/hooks/bad/target', hookBody(noopTask, { triggerSchema: { type: 'object' } }));
  runId = (await stack.api<{ runId: string }>('POST', '/hooks/bad/target/trigger')).body.runId;
  token = (await stack.api<{ token: string }>('GET', '/hooks/bad/target/token')).body.token;
  await stack.waitForRunFinished(runId);
});
afterAll(async () => {
  await stack?.cleanup();
});

/** An operation's path with real values (or the given replacements) for its parameters. */
function concrete(path: string, replace: Record<string, string> = {}): string {
  const values: Record<string, string> = { hookGroupId: 'bad', hookId: 'target', runId, index: '0', token };
  return path.replace(/:([A-Za-z]+)/g, (_m, name: string) => replace[name] ?? values[name]!);
}

/** A raw request with the root client's credentials. */
const raw = (
  method: string,
  path: string,
  body?: string | Buffer,
  extra: { chunks?: number; headers?: Record<string, string> } = {},
) =>
  rawRequest(stack.url, {
    method: method.toUpperCase(),
    path: `${V}${path}`,
    body,
    chunks: extra.chunks,
    headers: { authorization: bearer(stack.rootCredentials), ...extra.headers },
  });

describe('every endpoint', () => {
  const oversized = Buffer.alloc(MAX_BODY_BYTES + 1, 0x20);

  it.each(OPERATIONS.map((op) => [`${op.method.toUpperCase()} ${op.path}`, op] as const))(
    '%s: a body over 1 MiB is a 413, declared or chunked',
    async (_name, op) => {
      const declared = await raw(op.method, concrete(op.path), oversized, {
        headers: { 'content-type': 'application/json' },
      });
      expectError({ ...declared, headers: new Headers() }, 413, 'PayloadTooLarge', /1 MiB/);
      const chunked = await raw(op.method, concrete(op.path), oversized, {
        chunks: 64,
        headers: { 'content-type': 'application/json' },
      });
      if (op.method === 'get') {
        // the Node adapter never reads a GET body (it is drained unread): nothing to limit, no 5xx
        expect(chunked.status).toBeLessThan(500);
      } else {
        expectError({ ...chunked, headers: new Headers() }, 413, 'PayloadTooLarge', /1 MiB/);
      }
      // without credentials too: the size is refused before anything else
      const anonymous = await rawRequest(stack.url, {
        method: op.method.toUpperCase(),
        path: `${V}${concrete(op.path)}`,
        body: oversized,
      });
      expectError({ ...anonymous, headers: new Headers() }, 413, 'PayloadTooLarge');
    },
  );

  const withParams = OPERATIONS.filter((op) => op.path.includes(':'));
  it.each(withParams.map((op) => [`${op.method.toUpperCase()} ${op.path}`, op] as const))(
    '%s: invalid IDs are a 400 naming the parameter',
    async (_name, op) => {
      const cases: Array<[Record<string, string>, RegExp]> = [];
      if (op.path.includes(':hookGroupId'))
        cases.push([{ hookGroupId: 'bad!' }, /hookGroupId "bad!" must match/]);
      if (op.path.includes(':hookGroupId')) cases.push([{ hookGroupId: 'g'.repeat(1001) }, /hookGroupId/]);
      if (op.path.includes(':hookId')) {
        cases.push([{ hookId: 'sp%20ace' }, /hookId "sp ace" must match/]);
        cases.push([{ hookId: '%E0%A4%A' }, /hookId .* must match/]);
        cases.push([{ hookId: 'dot%2F..' }, /hookId "dot\/\.\." must match/]);
        cases.push([{ hookId: '%252F' }, /hookId "%2F" must match/]); // decoded once, not twice
        cases.push([{ hookGroupId: 'g'.repeat(600), hookId: 'h'.repeat(600) }, /together at most 1023/]);
      }
      if (op.path.includes(':runId')) cases.push([{ runId: 'x' }, /runId "x" is not a run id/]);
      if (op.path.includes(':index')) cases.push([{ index: '-1' }, /step index "-1"/]);
      for (const [replace, message] of cases) {
        const res = await raw(op.method, concrete(op.path, replace), op.body ? '{}' : undefined);
        expectError({ ...res, headers: new Headers() }, 400, 'InputError', message);
      }
    },
  );

  const withBodies = OPERATIONS.filter((op) => op.body);
  it.each(withBodies.map((op) => [`${op.method.toUpperCase()} ${op.path}`, op] as const))(
    '%s: malformed JSON, deep nesting and __proto__ are 400s',
    async (_name, op) => {
      const path = concrete(op.path);
      expectError(
        { ...(await raw(op.method, path, '{"a": ')), headers: new Headers() },
        400,
        'MalformedPayload',
        /not valid JSON/,
      );
      expectError(
        { ...(await raw(op.method, path, "{'a': 1}")), headers: new Headers() },
        400,
        'MalformedPayload',
      );
      expectError(
        { ...(await raw(op.method, path, '[1,]')), headers: new Headers() },
        400,
        'MalformedPayload',
      );
      const deep = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
      expectError(
        { ...(await raw(op.method, path, deep)), headers: new Headers() },
        400,
        'InputError',
        /nested deeper than 64/,
      );
      const proto = '{"a": {"__proto__": {"polluted": true}}}';
      expectError(
        { ...(await raw(op.method, path, proto)), headers: new Headers() },
        400,
        'InputError',
        /"__proto__" at body\.a/,
      );
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    },
  );
});

describe('hook definitions (createHook and updateHook)', () => {
  const valid = hookBody(noopTask);
  const cases: Array<[string, unknown, string, RegExp]> = [
    ['an empty body', undefined, 'InputValidationError', /invalid hook definition: .*expected object/],
    ['an array', [], 'InputValidationError', /expected object, received array/],
    ['a string', '"hook"', 'InputValidationError', /expected object/],
    ['a missing task', { metadata: valid.metadata }, 'InputValidationError', /task: task is required/],
    ['a task that is a string', { ...valid, task: 'echo hi' }, 'InputValidationError', /task: /],
    [
      'a wrong type',
      { ...valid, metadata: { ...valid.metadata, name: 5 } },
      'InputValidationError',
      /metadata\.name: .*expected string/,
    ],
    [
      'an invalid owner',
      { ...valid, metadata: { ...valid.metadata, owner: 'nobody' } },
      'InputValidationError',
      /metadata\.owner/,
    ],
    [
      'a too long name',
      { ...valid, metadata: { ...valid.metadata, name: 'n'.repeat(256) } },
      'InputValidationError',
      /metadata\.name/,
    ],
    ['an unknown field', { ...valid, colour: 'red' }, 'InputValidationError', /unknown field\(s\) "colour"/],
    [
      'an unknown nested field',
      { ...valid, metadata: { ...valid.metadata, colour: 1 } },
      'InputValidationError',
      /metadata: unknown field\(s\) "colour"/,
    ],
    [
      'schedule not an array',
      { ...valid, schedule: '0 * * * *' },
      'InputValidationError',
      /schedule: .*expected array/,
    ],
    [
      'an invalid cron string',
      { ...valid, schedule: ['61 * * * *'] },
      'InputValidationError',
      /schedule\.0: invalid schedule "61 \* \* \* \*"/,
    ],
    [
      'an invalid AWS cron',
      { ...valid, schedule: ['cron(0 12 * * * *)'] },
      'InputValidationError',
      /schedule\.0: invalid schedule "cron\(0 12/,
    ],
    [
      'an invalid rate',
      { ...valid, schedule: ['rate(1 minutes)'] },
      'InputValidationError',
      /schedule\.0: invalid schedule/,
    ],
    [
      'a nonsense schedule',
      { ...valid, schedule: ['every tuesday'] },
      'InputValidationError',
      /schedule\.0: invalid schedule/,
    ],
    [
      'an unknown time zone',
      { ...valid, scheduleTimezone: 'Mars/Olympus' },
      'InputValidationError',
      /scheduleTimezone: must be an IANA time zone/,
    ],
    ['an invalid catchUp', { ...valid, catchUp: 'sometimes' }, 'InputValidationError', /catchUp/],
    [
      'an invalid JSON Schema type',
      { ...valid, triggerSchema: { type: 'nonsense' } },
      'InputValidationError',
      /triggerSchema: triggerSchema is not a valid JSON Schema/,
    ],
    [
      'an invalid JSON Schema keyword value',
      { ...valid, triggerSchema: { type: 'object', properties: 5 } },
      'InputValidationError',
      /triggerSchema: .*not a valid JSON Schema/,
    ],
    [
      'an invalid JSON Schema pattern',
      { ...valid, triggerSchema: { type: 'string', pattern: '(' } },
      'InputValidationError',
      /triggerSchema: .*not a valid JSON Schema/,
    ],
    [
      'a triggerSchema that is not an object',
      { ...valid, triggerSchema: true },
      'InputValidationError',
      /triggerSchema: /,
    ],
    [
      'an invalid event pattern',
      { ...valid, bindings: [{ source: 'not-an-array' }] },
      'InputValidationError',
      /bindings\.0: invalid event pattern/,
    ],
    [
      'an invalid concurrency',
      { ...valid, concurrency: { limit: 0 } },
      'InputValidationError',
      /concurrency\.limit/,
    ],
    ['an invalid hookType', { ...valid, hookType: 'no spaces' }, 'InputValidationError', /hookType/],
    [
      'a definition over the stored size',
      { ...valid, task: { t: 'x'.repeat(200_000) } },
      'InputError',
      /hook definition is \d+ bytes as JSON; at most 131072/,
    ],
    [
      'a definition nested too deep to store',
      { ...valid, task: JSON.parse(`${'{"a":'.repeat(40)}1${'}'.repeat(40)}`) },
      'InputError',
      /nested \d+ levels deep \(at task\.a\.a/,
    ],
  ];

  it.each(cases)('PUT: %s', async (_name, body, code, message) => {
    const res = await stack.api(
      'PUT',
      '/hooks/bad/new',
      typeof body === 'string' ? body : body === undefined ? undefined : body,
    );
    expectError(res, 400, code, message);
    expect((await stack.api('GET', '/hooks/bad/new')).status).toBe(404);
  });

  it.each(cases)('POST: %s', async (_name, body, code, message) => {
    const before = await stack.api('GET', '/hooks/bad/target');
    const res = await stack.api(
      'POST',
      '/hooks/bad/target',
      typeof body === 'string' ? body : body === undefined ? undefined : body,
    );
    expectError(res, 400, code, message);
    expect((await stack.api('GET', '/hooks/bad/target')).body).toEqual(before.body);
  });

  it('a body of exactly 1 MiB is read (and then refused for what it says), one byte more is a 413', async () => {
    const pad = (n: number) => {
      const base = JSON.stringify({ ...valid, task: { t: '' } });
      return JSON.stringify({ ...valid, task: { t: 'x'.repeat(n - base.length) } });
    };
    const exact = await raw('PUT', '/hooks/bad/big', pad(MAX_BODY_BYTES));
    expectError({ ...exact, headers: new Headers() }, 400, 'InputError', /bytes as JSON; at most/);
    const over = await raw('PUT', '/hooks/bad/big', pad(MAX_BODY_BYTES + 1));
    expectError({ ...over, headers: new Headers() }, 413, 'PayloadTooLarge');
  });
});

describe('triggers', () => {
  it('a payload that cannot be stored is a 400 naming the limit', async () => {
    const big = await stack.api('POST', '/hooks/bad/target/trigger', { x: 'y'.repeat(400_000) });
    expectError(big, 400, 'InputError', /the payload is \d+ bytes as JSON; at most/);
    const deep = JSON.parse(`${'{"a":'.repeat(40)}1${'}'.repeat(40)}`);
    expectError(
      await stack.api('POST', '/hooks/bad/target/trigger', deep),
      400,
      'InputError',
      /payload is nested 40 levels/,
    );
  });

  it('a payload that is not what triggerSchema allows is a 400', async () => {
    await stack.api('PUT', '/hooks/bad/strict', hookBody(noopTask));
    expectError(
      await stack.api('POST', '/hooks/bad/strict/trigger', [1, 2]),
      400,
      'InputError',
      /payload must be object/,
    );
    expectError(
      await stack.api('POST', '/hooks/bad/strict/trigger', { extra: 1 }),
      400,
      'InputError',
      /must NOT have additional properties \(extra\)/,
    );
  });

  it('an unknown hook is a 404 for triggerHook and a 401 for triggerHookWithToken', async () => {
    expectError(await stack.api('POST', '/hooks/bad/nope/trigger', {}), 404, 'ResourceNotFound', /bad\/nope/);
    expectError(await stack.api('POST', `/hooks/bad/nope/trigger/${token}`, {}), 401, 'AuthenticationFailed');
  });
});

describe('unknown endpoints and methods', () => {
  it.each([
    ['GET', '/nothing'],
    ['GET', '/hooks/bad/target/whatever'],
    ['PATCH', '/hooks/bad/target'],
    ['DELETE', '/hooks'],
    ['PUT', '/runs/AAAAAAAAAAAAAAAAAAAAAA'],
    ['GET', '/hooks/bad/target/trigger/a/b'],
    ['GET', '/%'],
  ])('%s %s is a 404 in the error shape', async (method, path) => {
    const res = await raw(method, path);
    expectError({ ...res, headers: new Headers() }, 404, 'ResourceNotFound', /no endpoint/);
  });
});
