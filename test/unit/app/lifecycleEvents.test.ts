import { describe, expect, it } from 'vitest';
import { memoryLogger } from '../../../functions/adapters/jsonLogger.ts';
import {
  announce,
  isReservedSource,
  LIFECYCLE_SOURCE,
  lifecycleEvent,
  RESERVED_SOURCE_MESSAGE,
} from '../../../functions/app/lifecycleEvents.ts';
import type { Services } from '../../../functions/app/services.ts';
import type { BusEvent } from '../../../functions/ports/bus.ts';
import { manualClock } from '../../contracts/adapters.ts';

/** Lifecycle events (functions/app/lifecycleEvents.ts): their shape, the reserved source, and a bus that fails. */
describe('lifecycle events', () => {
  it('only Hookline’s own source is reserved, and the refusal names it', () => {
    expect(isReservedSource('hookline')).toBe(true);
    expect(isReservedSource('Hookline')).toBe(false);
    expect(isReservedSource('shop')).toBe(false);
    expect(RESERVED_SOURCE_MESSAGE).toContain(`"${LIFECYCLE_SOURCE}"`);
  });

  it('an event carries the source, the name as detail type, the detail and the time given', () => {
    expect(lifecycleEvent('Run Started', { runId: 'r' }, new Date('2030-01-01T00:00:05Z'))).toEqual({
      source: 'hookline',
      detailType: 'Run Started',
      detail: { runId: 'r' },
      time: '2030-01-01T00:00:05.000Z',
    });
  });

  it('announce puts the event stamped by the injected clock; a bus failure is logged, never thrown', async () => {
    const clock = manualClock(Date.parse('2030-06-01T12:00:00Z'));
    const put: BusEvent[] = [];
    const logger = memoryLogger();
    const services = {
      clock,
      logger,
      bus: { put: async (events: BusEvent[]) => void put.push(...events) },
    } as unknown as Services;
    await announce(services, 'Step Finished', { runId: 'r', index: 2 });
    expect(put).toEqual([
      {
        source: 'hookline',
        detailType: 'Step Finished',
        detail: { runId: 'r', index: 2 },
        time: '2030-06-01T12:00:00.000Z',
      },
    ]);

    const failing = {
      ...services,
      bus: {
        put: async () => {
          throw new Error('bus down');
        },
      },
    } as Services;
    await expect(announce(failing, 'Run Finished', { runId: 'r' })).resolves.toBeUndefined();
    expect(logger.lines).toEqual([
      {
        level: 'warn',
        message: 'lifecycle event not delivered',
        fields: { event: 'Run Finished', error: 'bus down' },
      },
    ]);
  });
});
