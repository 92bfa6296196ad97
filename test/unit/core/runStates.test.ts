import { describe, expect, it } from 'vitest';
import {
  firedBySchema,
  runResultSchema,
  runStatusSchema,
  stepStatusSchema,
} from '../../../functions/core/runModel.ts';
import {
  FINISHED_STEP_STATUSES,
  FIRING_PATHS,
  RUN_RESULTS,
  RUN_STATUSES,
  STEP_STATUSES,
} from '../../../functions/core/runStates.ts';

describe('the words of a run', () => {
  it('are the lists the run model validates with (the CLI uses the lists, the store and API the schemas)', () => {
    expect(firedBySchema.options).toEqual([...FIRING_PATHS]);
    expect(runStatusSchema.options).toEqual([...RUN_STATUSES]);
    expect(runResultSchema.options).toEqual([...RUN_RESULTS]);
    expect(stepStatusSchema.options).toEqual([...STEP_STATUSES]);
    expect(firedBySchema.safeParse('pulse').success).toBe(false);
  });

  it('a step has finished in every status but pending and running', () => {
    expect([...FINISHED_STEP_STATUSES].sort()).toEqual([
      'cancelled',
      'failed',
      'skipped',
      'succeeded',
      'timed_out',
    ]);
    expect(FINISHED_STEP_STATUSES.has('running')).toBe(false);
    expect(FINISHED_STEP_STATUSES.has('pending')).toBe(false);
  });
});
