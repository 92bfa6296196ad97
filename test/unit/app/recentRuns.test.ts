import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listRecentRuns } from '../../../functions/app/recentRuns.ts';
import { firedRun } from './firedRun.ts';
import { type InProcessServices, inProcessServices } from './inProcessServices.ts';

/** GET /runs across hooks (functions/app/recentRuns.ts): filtered by what the caller may read, sealed tokens. */
let env: InProcessServices;
const ids: Record<string, string[]> = { a: [], b: [] };
beforeAll(async () => {
  env = await inProcessServices();
  for (let i = 0; i < 3; i++) {
    for (const hook of ['a', 'b'] as const) {
      env.clock.advance(1000);
      ids[hook]!.push(
        await firedRun(env.services, 'recent', `${hook}${i}`, { task: { name: 't', command: ['true'] } }),
      );
    }
  }
});
afterAll(async () => {
  await env?.close();
});

describe('listRecentRuns', () => {
  it('answers newest first, leaving out what the caller may not read', async () => {
    const all = await listRecentRuns(env.services, {}, { limit: 10 }, () => true);
    expect(all.items.map((r) => r.hookId)).toEqual(['b2', 'a2', 'b1', 'a1', 'b0', 'a0']);
    const onlyA = await listRecentRuns(env.services, {}, { limit: 10 }, (_g, hookId) =>
      hookId.startsWith('a'),
    );
    expect(onlyA.items.map((r) => r.hookId)).toEqual(['a2', 'a1', 'a0']);
  });

  it('pages with a sealed token that only this service can open', async () => {
    const first = await listRecentRuns(env.services, {}, { limit: 4 }, () => true);
    expect(first.items).toHaveLength(4);
    expect(first.continuationToken).toBeDefined();
    const second = await listRecentRuns(
      env.services,
      {},
      { limit: 4, continuationToken: first.continuationToken },
      () => true,
    );
    expect(second.items.map((r) => r.hookId)).toEqual(['b0', 'a0']);
    expect(second.continuationToken).toBeUndefined();
    // A page where every run is hidden is empty, and still goes on.
    const hidden = await listRecentRuns(env.services, {}, { limit: 2 }, () => false);
    expect(hidden.items).toEqual([]);
    expect(hidden.continuationToken).toBeDefined();
  });

  it('a token not issued by this service is a 400', async () => {
    await expect(
      listRecentRuns(env.services, {}, { limit: 4, continuationToken: 'forged' }, () => true),
    ).rejects.toMatchObject({
      code: 'InputError',
      message: 'continuationToken is not one this service issued',
    });
  });
});
