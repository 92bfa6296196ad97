import { describe, expect, it } from 'vitest';
import { RESERVED_SOURCE_MESSAGE } from '../../../functions/app/lifecycleEvents.ts';
import type { Bus, BusEvent } from '../../../functions/ports/bus.ts';
import { eventAction } from '../../../functions/runners/event.ts';
import { actionInput } from './actionInput.ts';

/** The `event` action (functions/runners/event.ts). */
describe('eventAction', () => {
  const step = (source: string) => ({
    name: 'announce',
    event: { source, detailType: 'Build Done', detail: { ok: true } },
  });

  it('puts the event with the chain depth one deeper than the run’s', async () => {
    const put: BusEvent[] = [];
    const bus: Bus = { put: async (events) => void put.push(...events) };
    const outcome = await eventAction(bus, 2)(actionInput(step('ci')));
    expect(outcome).toEqual({
      status: 'succeeded',
      output: { data: { source: 'ci', detailType: 'Build Done' } },
    });
    expect(put).toEqual([{ source: 'ci', detailType: 'Build Done', detail: { ok: true, chainDepth: 3 } }]);
  });

  it('refuses Hookline’s own source: lifecycle events cannot be forged', async () => {
    const put: BusEvent[] = [];
    const outcome = await eventAction(
      { put: async (e) => void put.push(...e) },
      0,
    )(actionInput(step('hookline')));
    expect(outcome).toEqual({ status: 'failed', output: {}, error: { message: RESERVED_SOURCE_MESSAGE } });
    expect(put).toEqual([]);
  });

  it('a bus that fails fails the step, saying so', async () => {
    const bus: Bus = {
      put: async () => {
        throw new Error('throttled');
      },
    };
    expect(await eventAction(bus, 0)(actionInput(step('ci')))).toEqual({
      status: 'failed',
      output: {},
      error: { message: 'the event was not put on the bus: throttled' },
    });
  });
});
