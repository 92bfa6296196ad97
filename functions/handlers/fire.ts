import * as z from 'zod';
import { sweepQueues } from '../app/concurrency.ts';
import type { DeliveredEvent } from '../ports/bus.ts';
import { type HandledFire, handleFire } from '../app/handleFire.ts';
import type { Services } from '../app/services.ts';
import { StoredBindings } from '../app/storedBindings.ts';
import { cloudServices } from '../adapters/aws/cloudServices.ts';

/**
 * The fire function. Its inputs:
 * - an EventBridge event: every event on Hookline's bus, from the stack's one bus rule
 *   (infra/hookline/triggers.ts `BindingsRule`). The binding router (app/bindingRouter.ts) finds the hooks bound to it among the
 *   stored bindings (app/storedBindings.ts) and hands each to app/handleFire.ts;
 * - `{hookGroupId, hookId, scheduledTime}`: an EventBridge Scheduler schedule of a hook;
 * - `{action: 'sweep-queues'}`: the stack's periodic schedule (expired concurrency leases, queued runs).
 * A failure other than a refused fire throws, so Lambda's asynchronous retries redeliver (a repeated
 * delivery starts nothing twice: run ids derive from the event id or the scheduled time).
 */
const eventSchema = z
  .object({
    id: z.string().min(1).max(256),
    source: z.string().max(256),
    'detail-type': z.string().max(256),
    detail: z.record(z.string(), z.unknown()),
  })
  .loose();

export const fireInputSchema = z.union([
  z.object({ action: z.literal('sweep-queues') }),
  z.object({
    hookGroupId: z.string().min(1).max(1000),
    hookId: z.string().min(1).max(1000),
    scheduledTime: z.iso.datetime({ offset: true }),
  }),
  eventSchema,
]);

export type FireEvent = z.infer<typeof fireInputSchema>;

export type FireResult =
  | { swept: true }
  | { routed: number; fires: Array<{ hookGroupId: string; hookId: string } & HandledFire> }
  | ({ hookGroupId: string; hookId: string } & HandledFire)
  | { refused: string };

export function createFireHandler(services: Services, bindings = new StoredBindings(services)) {
  return async (input: unknown): Promise<FireResult> => {
    const parsed = fireInputSchema.safeParse(input);
    if (!parsed.success) {
      // Nothing a retry could change: logged (without the input, which may carry secrets) and dropped.
      services.logger.error('fire input refused', { problem: z.prettifyError(parsed.error).slice(0, 500) });
      return { refused: 'the fire function input is not an event, a schedule occurrence or a sweep' };
    }
    const fire = parsed.data;
    if ('action' in fire) {
      await sweepQueues(services);
      return { swept: true };
    }
    if ('detail-type' in fire) {
      const event = fire as DeliveredEvent;
      bindings.noteEvent(event);
      const routed = await (await bindings.current()).route(event);
      const failed = routed.find((r) => r.outcome.kind === 'failed');
      if (failed && failed.outcome.kind === 'failed') {
        throw new Error(
          `event ${event.id} not delivered to ${failed.hookGroupId}/${failed.hookId}: ${failed.outcome.message}`,
        );
      }
      return {
        routed: routed.length,
        fires: routed.map((r) => ({
          hookGroupId: r.hookGroupId,
          hookId: r.hookId,
          ...(r.outcome as HandledFire),
        })),
      };
    }
    const outcome = await handleFire(services, {
      kind: 'schedule',
      hookGroupId: fire.hookGroupId,
      hookId: fire.hookId,
      scheduledTime: new Date(fire.scheduledTime),
    });
    return { hookGroupId: fire.hookGroupId, hookId: fire.hookId, ...outcome };
  };
}

let cloudHandler: Promise<ReturnType<typeof createFireHandler>> | undefined;

export const handler = async (input: unknown) => {
  cloudHandler ??= cloudServices('fire')
    .then((services) => createFireHandler(services))
    .catch((error: unknown) => {
      cloudHandler = undefined; // a failed cold start is tried again at the next invocation
      throw error;
    });
  return (await cloudHandler)(input);
};
