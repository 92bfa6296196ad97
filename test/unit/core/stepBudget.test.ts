import { describe, expect, it } from 'vitest';
import type { Job } from '../../../functions/core/job.ts';
import { planSteps } from '../../../functions/core/jobFlow.ts';
import { staticJob } from '../../../functions/core/render.ts';
import {
  checkStepsFit,
  maxStepBudgetSeconds,
  STEP_RECORDING_MARGIN_SECONDS,
  stepBudgetSeconds,
} from '../../../functions/core/stepBudget.ts';

const planned = (step: Record<string, unknown>) =>
  planSteps({ task: { name: 't', command: 'true', ...step } } as Job)[0]!;

describe('a step fits one invocation of the step function', () => {
  it('costs every attempt at its timeout plus the exponential backoffs', () => {
    expect(stepBudgetSeconds(planned({}))).toBe(300);
    expect(
      stepBudgetSeconds(planned({ timeoutSeconds: 100, retry: { attempts: 3, backoffSeconds: 2 } })),
    ).toBe(400 + 2 + 4 + 8);
    expect(stepBudgetSeconds(planned({ timeoutSeconds: 10, retry: { attempts: 1 } }))).toBe(21);
  });

  it('must end the recording margin before the function times out', () => {
    expect(maxStepBudgetSeconds(900)).toBe(900 - STEP_RECORDING_MARGIN_SECONDS);
    const fits: Job = {
      task: { name: 'ok', command: 'true', timeoutSeconds: 290, retry: { attempts: 2, backoffSeconds: 0 } },
    };
    expect(() => checkStepsFit(fits, 900)).not.toThrow();
    const tooLong: Job = {
      preHooks: [{ name: 'fine', command: 'true' }],
      postHooks: [{ name: 'cleanup', command: 'true', retry: { attempts: 2, backoffSeconds: 1 } }],
    };
    expect(() => checkStepsFit(tooLong, 900)).toThrow(
      expect.objectContaining({
        statusCode: 400,
        message: expect.stringMatching(/^step "cleanup" \(post\) may take 903 s .*must end within 870 s/),
      }),
    );
    // a shorter function timeout (a smaller deployment) tightens the rule
    expect(() => checkStepsFit({ task: { name: 't', command: 'true', timeoutSeconds: 60 } }, 60)).toThrow(
      /step "t"/,
    );
  });
});

describe('staticJob', () => {
  it('is the job when the template uses no JSON-e, undefined otherwise', () => {
    const job = { task: { name: 't', command: ['echo', 'hi'] } };
    expect(staticJob(job)).toMatchObject({ task: { name: 't' } });
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a JSON-e interpolation, not a JS template
    const interpolated = { task: { name: 't', command: ['echo', '${payload.x}'] } };
    expect(staticJob(interpolated)).toBeUndefined();
    expect(
      staticJob({ task: { name: 't', command: 'true', timeoutSeconds: { $eval: 'payload.t' } } }),
    ).toBeUndefined();
    expect(staticJob({ $if: 'true', then: job })).toBeUndefined();
    expect(staticJob({ task: { name: 't' } })).toBeUndefined(); // not a valid job: the fire reports it
  });
});
