import { isReservedSource, RESERVED_SOURCE_MESSAGE } from '../app/lifecycleEvents.ts';
import type { Bus } from '../ports/bus.ts';
import type { Action } from '../ports/stepActions.ts';

/** The `event` action: puts an event on the bus (source, detail-type, detail). */
export function eventAction(bus: Bus, chainDepth: number): Action {
  return async (input) => {
    const { source, detailType, detail } = input.planned.step.event!;
    if (isReservedSource(source)) {
      return { status: 'failed', output: {}, error: { message: RESERVED_SOURCE_MESSAGE } };
    }
    try {
      await bus.put([{ source, detailType, detail: { ...detail, chainDepth: chainDepth + 1 } }]);
    } catch (error) {
      return {
        status: 'failed',
        output: {},
        error: { message: `the event was not put on the bus: ${(error as Error).message}` },
      };
    }
    return { status: 'succeeded', output: { data: { source, detailType } } };
  };
}
