/**
 * The words a run is described with (README.md, "Jobs and steps"): how it was fired, the states a run
 * and its steps go through, the results a run ends with. Plain lists, no zod, so a client (the CLI,
 * cli/) can use them without loading a schema library; functions/core/runModel.ts makes its schemas
 * of these very lists.
 */
export const FIRING_PATHS = ['schedule', 'triggerHook', 'triggerHookWithToken', 'event', 'rerun'] as const;
export type FiredBy = (typeof FIRING_PATHS)[number];

export const RUN_STATUSES = ['pending', 'running', 'finished'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const RUN_RESULTS = [
  'succeeded',
  'succeeded_with_warnings',
  'failed',
  'cancelled',
  'timed_out',
] as const;
export type RunResult = (typeof RUN_RESULTS)[number];

export const STEP_STATUSES = [
  'pending',
  'running',
  'succeeded',
  'failed',
  'skipped',
  'timed_out',
  'cancelled',
] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

/** The statuses a step ends in: every one but pending and running. */
export const FINISHED_STEP_STATUSES: ReadonlySet<StepStatus> = new Set(
  STEP_STATUSES.filter((status) => status !== 'pending' && status !== 'running'),
);
