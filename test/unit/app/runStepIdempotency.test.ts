import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { beginRun } from '../../../functions/app/beginRun.ts';
import { fireHook } from '../../../functions/app/fireHook.ts';
import { createHook, getHook } from '../../../functions/app/manageHooks.ts';
import { runStep } from '../../../functions/app/runStep.ts';
import type { Services } from '../../../functions/app/services.ts';
import { hookBody } from '../../support/hookBody.ts';
import { type InProcessServices, inProcessServices } from './inProcessServices.ts';

/**
 * The step runner is idempotent per (runId, step): duplicated or retried invocations (Lambda
 * retries, the local engine's extra Map iterations) never run a command twice.
 */
let env: InProcessServices;
let services: Services;
let dir: string;
beforeAll(async () => {
  // In process, no stack: executions only recorded, so the test drives the steps itself.
  env = await inProcessServices();
  services = env.services;
  dir = mkdtempSync(join(tmpdir(), 'hookline-idem-'));
});
afterAll(async () => {
  await env?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('runStep idempotency', () => {
  it('five concurrent invocations of the same step run the command once', async () => {
    const file = join(dir, 'count');
    await createHook(
      services,
      'idem',
      'once',
      hookBody({ task: { name: 'append', command: ['sh', '-c', `sleep 0.3; echo x >> ${file}`] } }),
      { scopes: ['*'] },
    );
    const outcome = await fireHook(services, {
      hook: await getHook(services, 'idem', 'once'),
      firedBy: 'triggerHook',
      payload: {},
    });
    await beginRun(services, outcome.runId);
    const results = await Promise.all(
      Array.from({ length: 5 }, () => runStep(services, { runId: outcome.runId, index: 0 })),
    );
    expect(results.map((r) => r.status)).toEqual(Array(5).fill('succeeded'));
    expect(readFileSync(file, 'utf8')).toBe('x\n');
    const again = await runStep(services, { runId: outcome.runId, index: 0 });
    expect(again.status).toBe('succeeded');
    expect(readFileSync(file, 'utf8')).toBe('x\n');
  });

  it('a step reached after a critical failure is recorded as skipped, never run', async () => {
    const file = join(dir, 'never');
    await createHook(
      services,
      'idem',
      'critical',
      hookBody({
        preHooks: [{ name: 'gate', command: ['false'], critical: true }],
        task: { name: 'after', command: ['touch', file] },
      }),
      { scopes: ['*'] },
    );
    const outcome = await fireHook(services, {
      hook: await getHook(services, 'idem', 'critical'),
      firedBy: 'triggerHook',
      payload: {},
    });
    await beginRun(services, outcome.runId);
    await expect(runStep(services, { runId: outcome.runId, index: 0 })).rejects.toMatchObject({
      name: 'Hookline.CriticalStepFailed',
    });
    // a retried invocation of the failed step still takes the skip branch
    await expect(runStep(services, { runId: outcome.runId, index: 0 })).rejects.toMatchObject({
      name: 'Hookline.CriticalStepFailed',
    });
    const later = await runStep(services, { runId: outcome.runId, index: 1 });
    expect(later.status).toBe('skipped');
    expect(() => readFileSync(file)).toThrow();
    const step = await services.store.getStep(outcome.runId, 1);
    expect(step).toMatchObject({ status: 'skipped', reason: 'skipped due to critical hook failure' });
  });
});
