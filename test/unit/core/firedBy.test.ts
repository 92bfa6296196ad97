import { describe, expect, it } from 'vitest';
import { firedBySchema } from '../../../functions/core/firedBy.ts';

describe('firedBy', () => {
  it('names the five ways into a hook and refuses any other', () => {
    expect(firedBySchema.options).toEqual([
      'schedule',
      'triggerHook',
      'triggerHookWithToken',
      'event',
      'rerun',
    ]);
    expect(firedBySchema.safeParse('pulse').success).toBe(false);
  });
});
