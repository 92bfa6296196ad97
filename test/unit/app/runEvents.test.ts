import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cursorFromEventId, type RunEvent, readRunEvents } from '../../../functions/app/runEvents.ts';
import { firedRun } from './firedRun.ts';
import { type InProcessServices, inProcessServices } from './inProcessServices.ts';

/** The events of GET /runs/{runId}/events read from the store (functions/app/runEvents.ts). */
let env: InProcessServices;
beforeAll(async () => {
  env = await inProcessServices();
});
afterAll(async () => {
  await env?.close();
});

const kinds = (events: RunEvent[]) =>
  events.map((e) =>
    e.event === 'output' ? `output ${e.data.index} ${e.data.stream} ${JSON.stringify(e.data.text)}` : e.event,
  );

describe('readRunEvents', () => {
  it('sends a run snapshot first, then only what changed: steps, new output, the finished run last', async () => {
    const runId = await firedRun(env.services, 'ev', 'live', {
      task: { name: 'main', command: ['true'] },
      postHooks: [{ name: 'post', command: ['true'] }],
    });
    const store = env.services.store;
    const first = await readRunEvents(env.services, runId, undefined);
    expect(kinds(first.events)).toEqual(['run']);
    expect(first.events[0]!.data).toMatchObject({ runId, status: 'pending' });
    expect(first.finished).toBe(false);

    await store.updateRun(runId, { status: 'running' });
    await store.updateStep(runId, 0, { status: 'running' });
    await store.putStepOutput(runId, 0, { stdout: 'one\n', stderr: '' });
    const second = await readRunEvents(env.services, runId, first.cursor);
    expect(kinds(second.events)).toEqual(['step', 'output 0 stdout "one\\n"', 'run']);

    await store.putStepOutput(runId, 0, { stdout: 'one\ntwo\n', stderr: 'warn\n' });
    const third = await readRunEvents(env.services, runId, second.cursor);
    expect(kinds(third.events)).toEqual(['output 0 stdout "two\\n"', 'output 0 stderr "warn\\n"']);
    expect(third.events[0]!.data).toMatchObject({ offset: 4 });

    // nothing new: nothing sent
    expect((await readRunEvents(env.services, runId, third.cursor)).events).toEqual([]);

    await store.updateStep(runId, 0, { status: 'succeeded' });
    await store.updateStep(runId, 1, { status: 'skipped' });
    await store.updateRun(runId, { status: 'finished', result: 'succeeded' });
    const last = await readRunEvents(env.services, runId, third.cursor);
    expect(kinds(last.events)).toEqual(['step', 'step', 'run']);
    expect(last.events.at(-1)!.data).toMatchObject({ status: 'finished', result: 'succeeded' });
    expect(last.finished).toBe(true);

    // A read from any event id sends exactly what lies beyond it.
    const resumed = await cursorFromEventId(env.services, runId, second.events[1]!.id);
    expect(kinds((await readRunEvents(env.services, runId, resumed)).events)).toEqual([
      'output 0 stdout "two\\n"',
      'output 0 stderr "warn\\n"',
      'step',
      'step',
      'run',
    ]);

    // A first read of a finished run: the snapshot (its steps in it), each step's output, and the run
    // announced again last, after its output.
    const replay = await readRunEvents(env.services, runId, undefined);
    expect(kinds(replay.events)).toEqual([
      'run',
      'output 0 stdout "one\\ntwo\\n"',
      'output 0 stderr "warn\\n"',
      'run',
    ]);
    expect(replay.events[0]!.data).toMatchObject({
      status: 'finished',
      steps: [{ status: 'succeeded' }, { status: 'skipped' }],
    });
    expect(replay.finished).toBe(true);
  });

  it('a Last-Event-ID that is not one of the run’s is a 400; an unknown run a 404', async () => {
    const runId = await firedRun(env.services, 'ev', 'ids', { task: { name: 'main', command: ['true'] } });
    await expect(cursorFromEventId(env.services, runId, 'garbage')).rejects.toMatchObject({
      code: 'InputError',
      message: 'Last-Event-ID is not an event id of this run',
    });
    await expect(cursorFromEventId(env.services, 'no-such-run', 'x')).rejects.toMatchObject({
      code: 'ResourceNotFound',
    });
    await expect(readRunEvents(env.services, 'no-such-run', undefined)).rejects.toMatchObject({
      code: 'ResourceNotFound',
    });
  });
});
