import { FilterPattern } from 'aws-cdk-lib/aws-logs';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { jsonLogger } from '../../../functions/adapters/jsonLogger.ts';
import {
  describeEngineError,
  ENGINE_ERROR_MESSAGE,
  reportEngineError,
} from '../../../functions/app/engineErrors.ts';
import { createFinishHandler } from '../../../functions/handlers/finish.ts';
import { createStepHandler } from '../../../functions/handlers/step.ts';
import { firedRun } from './firedRun.ts';
import { type InProcessServices, inProcessServices } from './inProcessServices.ts';

/**
 * Engine errors (functions/app/engineErrors.ts): one JSON log line the cloud stack's metric filter
 * counts and alarms on (infra/hookline/alarms.ts: `FilterPattern.stringValue('$.message', '=', …)`),
 * logged for an error of the engine and never for a user's failing step.
 */
let env: InProcessServices;
beforeAll(async () => {
  env = await inProcessServices();
});
afterAll(async () => {
  await env?.close();
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** The alarm's filter, as CloudWatch Logs applies `{ $.field = "value" }` to a JSON log line. */
function alarmFilterMatches(line: string): boolean {
  const pattern = FilterPattern.stringValue('$.message', '=', ENGINE_ERROR_MESSAGE).logPatternString;
  const parsed = /^\{ \$\.(\w+) = "(.*)" \}$/.exec(pattern);
  if (!parsed) throw new Error(`the alarm's filter is no longer a field equality: ${pattern}`);
  const [, field, value] = parsed;
  let event: Record<string, unknown>;
  try {
    event = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return false;
  }
  return event[field!] === value;
}

const engineErrorLines = () => env.logs.lines.filter((l) => l.message === ENGINE_ERROR_MESSAGE);

describe('reportEngineError', () => {
  it('writes one JSON line on stderr that the alarm’s metric filter counts, with the run and reason', () => {
    const written: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    const services = { ...env.services, logger: jsonLogger({ function: 'step' }) };
    reportEngineError(services, { runId: 'run-1', index: 2, reason: 'Lambda.Unknown', source: 'step' });
    expect(written).toHaveLength(1);
    expect(written[0]!.endsWith('\n')).toBe(true);
    expect(alarmFilterMatches(written[0]!.trim())).toBe(true);
    expect(JSON.parse(written[0]!)).toMatchObject({
      level: 'error',
      message: 'engine error',
      function: 'step',
      runId: 'run-1',
      index: 2,
      reason: 'Lambda.Unknown',
      source: 'step',
    });
  });

  it('the filter does not count other error lines', () => {
    expect(alarmFilterMatches(JSON.stringify({ level: 'error', message: 'callback failed' }))).toBe(false);
    expect(alarmFilterMatches(JSON.stringify({ level: 'error', message: 'engine errors' }))).toBe(false);
    expect(alarmFilterMatches('engine error')).toBe(false);
  });
});

describe('describeEngineError', () => {
  it('names the error and its cause', () => {
    expect(describeEngineError({ Error: 'States.Timeout', Cause: 'the task timed out' })).toBe(
      'States.Timeout: the task timed out',
    );
    expect(describeEngineError({ Error: 'Lambda.ServiceException' })).toBe('Lambda.ServiceException');
  });

  it('says "error" when the engine handed on nothing', () => {
    expect(describeEngineError(undefined)).toBe('error');
    expect(describeEngineError({})).toBe('error');
    expect(describeEngineError({ Cause: 'only a cause' })).toBe('error: only a cause');
  });

  it('bounds the cause to 500 characters', () => {
    const line = describeEngineError({ Error: 'E', Cause: 'x'.repeat(10_000) });
    expect(line).toBe(`E: ${'x'.repeat(500)}`);
  });
});

describe('which failures are engine errors', () => {
  it("a user's failing critical step fails the run and logs no engine error", async () => {
    const before = engineErrorLines().length;
    const runId = await firedRun(env.services, 'engine', 'user-fails', {
      task: { name: 'fails', command: ['false'] },
    });
    const step = createStepHandler(env.services);
    await step({ action: 'begin', runId });
    // The step function tells the engine with Hookline.CriticalStepFailed, which the state machine
    // catches as the critical-failure path (statemachines/job.asl.json), not as an engine error.
    await expect(step({ action: 'run', runId, index: 0 })).rejects.toMatchObject({
      name: 'Hookline.CriticalStepFailed',
      message: 'critical task "fails" failed',
    });
    expect(await createFinishHandler(env.services)({ runId })).toEqual({ result: 'failed' });
    expect((await env.services.store.getStep(runId, 0))!.status).toBe('failed');
    expect(engineErrorLines().length).toBe(before);
  });

  it('a run the engine failed (Finish handed an error) is failed and logged once as an engine error', async () => {
    const runId = await firedRun(env.services, 'engine', 'engine-fails', {
      task: { name: 'never', command: ['true'] },
    });
    const before = engineErrorLines().length;
    const finish = createFinishHandler(env.services);
    const engineError = { Error: 'States.TaskFailed', Cause: 'the step function ran out of memory' };
    expect(await finish({ runId, engineError })).toEqual({ result: 'failed' });
    // Finish again (the engine retries it): the run is already settled, nothing more is logged.
    expect(await finish({ runId, engineError })).toEqual({ result: 'failed' });
    const logged = engineErrorLines().slice(before);
    expect(logged).toEqual([
      {
        level: 'error',
        message: ENGINE_ERROR_MESSAGE,
        fields: {
          runId,
          reason: 'States.TaskFailed: the step function ran out of memory',
          source: 'finish',
        },
      },
    ]);
    expect((await env.services.store.getRun(runId))!.error).toEqual({
      message: 'States.TaskFailed: the step function ran out of memory',
    });
  });
});
