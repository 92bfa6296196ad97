import { describe, expect, it } from 'vitest';
import {
  CONFLICT_RETRY_POLICY,
  type ConflictRetryPolicy,
  conflictBackoffMs,
  type RetryTiming,
  retryOnConflict,
  VersionConflict,
} from '../../../functions/app/retryOnConflict.ts';
import { HooklineError } from '../../../functions/core/errors.ts';
import { ConditionFailed } from '../../../functions/ports/store.ts';

/** Records the pauses asked for instead of waiting; draws come from a fixed list. */
function fakeTiming(draws: number[] = [0.5]): RetryTiming & { pauses: number[] } {
  const pauses: number[] = [];
  let next = 0;
  return {
    pauses,
    sleep: async (ms) => {
      pauses.push(ms);
    },
    random: () => draws[next++ % draws.length]!,
  };
}

const policy: ConflictRetryPolicy = { attempts: 4, baseDelayMs: 10, maxDelayMs: 25 };

describe('retryOnConflict', () => {
  it('returns the first attempt that writes, without pausing', async () => {
    const timing = fakeTiming();
    const seen: number[] = [];
    const result = await retryOnConflict(
      'hook g/h',
      async (n) => {
        seen.push(n);
        return 'written';
      },
      { policy, timing },
    );
    expect(result).toBe('written');
    expect(seen).toEqual([1]);
    expect(timing.pauses).toEqual([]);
  });

  it('retries a version conflict, reading again each time, with a jittered growing pause', async () => {
    const timing = fakeTiming([0.5, 0.5, 0.99]);
    const seen: number[] = [];
    const result = await retryOnConflict(
      'hook g/h',
      async (n) => {
        seen.push(n);
        if (n < 4) throw new ConditionFailed();
        return n;
      },
      { policy, timing },
    );
    expect(result).toBe(4);
    expect(seen).toEqual([1, 2, 3, 4]);
    // Ceilings 10, 20, then 40 capped at 25; each pause is the draw times its ceiling.
    expect(timing.pauses).toEqual([5, 10, 24]);
  });

  it('gives up after the bounded attempts with a 409 naming what conflicted', async () => {
    const timing = fakeTiming();
    let calls = 0;
    const failure = await retryOnConflict(
      'client ops/deployer',
      async () => {
        calls++;
        throw new ConditionFailed('client ops/deployer changed');
      },
      { policy, timing },
    ).catch((error: unknown) => error);
    expect(calls).toBe(4);
    expect(timing.pauses).toHaveLength(3);
    expect(failure).toBeInstanceOf(VersionConflict);
    expect(failure).toBeInstanceOf(HooklineError);
    expect(failure).toMatchObject({
      code: 'RequestConflict',
      statusCode: 409,
      subject: 'client ops/deployer',
      attempts: 4,
    });
    expect((failure as Error).message).toContain('client ops/deployer is being changed concurrently');
    expect((failure as Error).message).toContain('4 attempts');
  });

  it('does not retry any other error', async () => {
    const timing = fakeTiming();
    let calls = 0;
    const boom = new Error('the store is down');
    await expect(
      retryOnConflict(
        'hook g/h',
        async () => {
          calls++;
          throw boom;
        },
        { policy, timing },
      ),
    ).rejects.toBe(boom);
    expect(calls).toBe(1);
    expect(timing.pauses).toEqual([]);
  });

  it('the default policy is bounded and its pauses stay under its cap', () => {
    expect(CONFLICT_RETRY_POLICY.attempts).toBeGreaterThan(1);
    for (let retry = 1; retry < CONFLICT_RETRY_POLICY.attempts; retry++) {
      expect(conflictBackoffMs(CONFLICT_RETRY_POLICY, retry, 0)).toBe(0);
      const most = conflictBackoffMs(CONFLICT_RETRY_POLICY, retry, 0.999999);
      expect(most).toBeLessThan(CONFLICT_RETRY_POLICY.maxDelayMs);
      expect(most).toBeLessThan(CONFLICT_RETRY_POLICY.baseDelayMs * 2 ** (retry - 1));
    }
  });
});
