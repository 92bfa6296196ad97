import type { Bus } from '../ports/bus.ts';
import type { Action } from './action.ts';

/** The `event` action: puts an event on the bus (source, detail-type, detail). */
export function eventAction(bus: Bus, chainDepth: number): Action {
  return async (input) => {
    const { source, detailType, detail } = input.planned.step.event!;
    if (source === 'hookline') {
      return {
        status: 'failed',
        output: {},
        error: { message: 'the source "hookline" is reserved for lifecycle events' },
      };
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
