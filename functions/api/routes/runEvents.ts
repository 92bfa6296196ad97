import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { cursorFromEventId, readRunEvents } from '../../app/runEvents.ts';
import { getRunRecord } from '../../app/runQueries.ts';
import type { Services } from '../../app/services.ts';
import { HooklineError } from '../../core/errors.ts';
import type { RunCursor } from '../../core/runEventCursor.ts';
import { checkRunEventsTicket, mintRunEventsTicket } from '../../core/runEventsTicket.ts';
import type { ApiEnv } from '../authorization.ts';
import { endpoints } from '../endpoints/index.ts';
import { route } from '../route.ts';

/**
 * GET /runs/{runId}/events (Server-Sent Events) and the ticket that opens it without a header.
 * A stream sends what functions/app/runEvents.ts reads beyond the client's position, then waits: for
 * the local stack's change notifier (services.runChanges) or, without one, `eventStreams.pollMs`.
 * It ends when the run has finished, after `maxLifeMs`, or (behind API Gateway, which buffers the
 * whole response) once it has sent something; the client reconnects with Last-Event-ID.
 * Its declaration (functions/api/endpoints/runs.ts) names the `token` query as a ticket: with one, the
 * authentication middleware lets the request through and this route checks the ticket itself.
 */
const KEEPALIVE_MS = 15_000;

export function runEventRoutes(services: Services) {
  const app = new Hono<ApiEnv>();
  const openStreams = new Map<string, number>();

  route(app, endpoints.runEventsTicket, async (c, { params, authorize }) => {
    const { runId } = params;
    const run = await getRunRecord(services, runId);
    const caller = await authorize({ hookGroupId: run.hookGroupId, hookId: run.hookId });
    return c.json(
      mintRunEventsTicket(services.secrets.tokenKey, runId, caller.clientId, services.clock.now()),
    );
  });

  route(app, endpoints.runEvents, async (c, { params, query, headers, authorize }) => {
    const { runId } = params;
    const ticket = query.token;
    let clientKey: string;
    if (ticket !== undefined) {
      const checked = checkRunEventsTicket(services.secrets.tokenKey, ticket, runId, services.clock.now());
      if (!checked.ok)
        throw new HooklineError('AuthenticationFailed', `events ticket refused: ${checked.reason}`);
      await getRunRecord(services, runId);
      clientKey = checked.clientId ?? '';
    } else {
      // the middleware has authenticated the caller (no ticket) before this says whether the run exists
      const run = await getRunRecord(services, runId);
      const caller = await authorize({ hookGroupId: run.hookGroupId, hookId: run.hookId });
      clientKey = caller.clientId ?? '';
    }
    const lastEventId = headers.lastEventId;
    let cursor: RunCursor | undefined =
      lastEventId === undefined || lastEventId === ''
        ? undefined
        : await cursorFromEventId(services, runId, lastEventId);

    const { maxPerClient, maxLifeMs, pollMs, endAfterNewEvents } = services.settings.eventStreams;
    const open = openStreams.get(clientKey) ?? 0;
    if (open >= maxPerClient)
      throw new HooklineError(
        'TooManyRequests',
        `at most ${maxPerClient} event streams open at once per client; close one first`,
        { retryAfterSeconds: 5 },
      );
    openStreams.set(clientKey, open + 1);
    const release = () => {
      const now = (openStreams.get(clientKey) ?? 1) - 1;
      if (now <= 0) openStreams.delete(clientKey);
      else openStreams.set(clientKey, now);
    };

    c.header('cache-control', 'no-store');
    c.header('x-accel-buffering', 'no');
    return streamSSE(
      c,
      async (stream) => {
        const endAt = Date.now() + maxLifeMs;
        let changed = false;
        let wake: (() => void) | undefined;
        let closed = false;
        const unwatch = services.runChanges?.watch(runId, () => {
          changed = true;
          wake?.();
        });
        stream.onAbort(() => {
          closed = true;
          wake?.();
        });
        try {
          while (!closed) {
            changed = false;
            const batch = await readRunEvents(services, runId, cursor);
            for (const event of batch.events)
              await stream.writeSSE({ id: event.id, event: event.event, data: JSON.stringify(event.data) });
            cursor = batch.cursor;
            if (batch.finished || (endAfterNewEvents && batch.events.length > 0)) break;
            const left = endAt - Date.now();
            if (left <= 0) break;
            if (changed) continue;
            const waitMs = Math.min(left, services.runChanges ? KEEPALIVE_MS : pollMs);
            const woken = await new Promise<boolean>((resolve) => {
              const timer = setTimeout(() => resolve(false), waitMs);
              wake = () => {
                clearTimeout(timer);
                resolve(true);
              };
            });
            wake = undefined;
            if (!woken && !closed && services.runChanges) await stream.write(': keepalive\n\n');
          }
        } finally {
          unwatch?.();
          release();
        }
      },
      async (error) => {
        services.logger.error('run event stream failed', { runId, error: error.message });
      },
    );
  });

  return app;
}
