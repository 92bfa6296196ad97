import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hookBody, startTestStack, type TestStack } from '../support/stack.ts';

/**
 * Issue 16: a `triggerSchema` pattern such as `^(a+)+$` must not stall the server. The payloads below
 * take a backtracking engine 2^40 steps and more (hours), so a stall shows as an unanswered request;
 * a ping in flight beside the evil triggers must be answered within a bound far above normal (ms) and
 * far below a stall. The precise figures are measured by bench/redos.ts.
 */
const STALL_BOUND_MS = 5_000;
const evilPayload = { name: `${'a'.repeat(40)}!` };
const noop = { task: { name: 'noop', command: ['true'] } };

describe('user regexes cannot stall the server', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ dataDir: null });
  });
  afterAll(async () => {
    await stack.cleanup();
  });

  const ping = async () => {
    const res = await fetch(`${stack.url}/api/hooks/v1/ping`, {
      signal: AbortSignal.timeout(STALL_BOUND_MS),
    });
    return res.status;
  };

  it('answers an evil payload with its 400 while a concurrent ping is answered', async () => {
    const created = await stack.api(
      'PUT',
      '/hooks/redos/nested',
      hookBody(noop, {
        triggerSchema: { type: 'object', properties: { name: { type: 'string', pattern: '^(a+)+$' } } },
      }),
    );
    expect(created.status).toBe(200);

    const trigger = (payload: unknown) =>
      stack.api<{ message?: string; runId?: string }>('POST', '/hooks/redos/nested/trigger', payload);
    const [evil, pings, good] = await Promise.all([
      Promise.all(Array.from({ length: 5 }, () => trigger(evilPayload))),
      Promise.all(Array.from({ length: 5 }, () => ping())),
      trigger({ name: 'aaaa' }),
    ]);
    for (const res of evil) {
      expect(res.status).toBe(400);
      expect(res.body.message).toContain('payload.name must match pattern "^(a+)+$"');
    }
    expect(pings).toEqual([200, 200, 200, 200, 200]);
    expect(good.status).toBe(200);
    await stack.waitForRunFinished(good.body.runId!);
  });

  it('refuses at create time a pattern RE2 cannot run, naming it', async () => {
    const refused = await stack.api<{ message: string }>(
      'PUT',
      '/hooks/redos/backref',
      hookBody(noop, {
        triggerSchema: { type: 'object', properties: { name: { type: 'string', pattern: '^(a+)\\1$' } } },
      }),
    );
    expect(refused.status).toBe(400);
    expect(refused.body.message).toContain('pattern "^(a+)\\1$" is not supported: backreferences');
    expect((await stack.api('GET', '/hooks/redos/backref')).status).toBe(404);
  });
});
