import { Hono } from 'hono';
import { inputError } from '../../core/errors.ts';
import { nextOccurrences } from '../../core/schedule/hookSchedules.ts';
import { parseScheduleExpression } from '../../core/schedule/grammar.ts';
import { validateTimezone } from '../../core/schedule/timezone.ts';
import type { Services } from '../../app/services.ts';
import type { ApiEnv } from '../authorization.ts';
import { endpoints } from '../endpoints/index.ts';
import { schedulePreviewInputs } from '../endpoints/inputs.ts';
import { route } from '../route.ts';

/**
 * `GET /schedule-preview?expression=…&timezone=…&from=<ISO>&count=N`: the next N fire times of a schedule
 * expression, strictly after `from` (default now), as ISO UTC strings — for checking an expression before
 * putting it in a hook. Pure computation over the caller's input: no hook is read, so no scope is needed.
 *
 * `expression` accepts what a hook's `schedule` accepts (AWS cron/rate/at, Unix 5-field cron,
 * Taskcluster's 6-field form) and is echoed as given, with the canonical form a hook stores beside it
 * (`canonicalExpression`: whitespace collapsed, names upper-cased, 6 fields reduced to 5); `timezone` is IANA (default UTC);
 * `count` is 1-100 (default 5). A `rate(...)` grid starts at the minute of `from` (a hook's starts when
 * the hook is created). Anything invalid is a 400 saying why.
 */
export function schedulePreviewRoutes(services: Services) {
  const app = new Hono<ApiEnv>();

  route(app, endpoints.schedulePreview, (c, { query }) => {
    const { expression, timezone, count } = query;
    const parsed = parseScheduleExpression(expression);
    if (!parsed.ok) throw inputError(`invalid schedule "${expression}": ${parsed.message}`);
    if (!validateTimezone(timezone)) throw inputError(schedulePreviewInputs.timezone.invalid(timezone));
    const from = query.from === undefined ? services.clock.now() : new Date(query.from);
    // The scheduler's own next-time function; a preview's rate(...) grid starts at `from`.
    const times = nextOccurrences({ schedules: [parsed.schedule], timezone, anchor: from }, from, count);
    return c.json({
      expression,
      canonicalExpression: parsed.schedule.expression,
      timezone,
      times: times.map((t) => t.toISOString()),
    });
  });

  return app;
}
