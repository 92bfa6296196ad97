import { Hono } from 'hono';
import { inputError } from '../../core/errors.ts';
import { nextOccurrences } from '../../core/schedule/hookSchedules.ts';
import { parseScheduleExpression } from '../../core/schedule/grammar.ts';
import { validateTimezone } from '../../core/schedule/timezone.ts';
import type { Services } from '../../app/services.ts';
import type { ApiEnv } from '../authorization.ts';

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
export const DEFAULT_PREVIEW_COUNT = 5;
export const MAX_PREVIEW_COUNT = 100;

export function schedulePreviewRoutes(services: Services) {
  const app = new Hono<ApiEnv>();

  app.get('/schedule-preview', (c) => {
    const expression = c.req.query('expression');
    if (expression === undefined || expression.trim() === '') {
      throw inputError('the query parameter "expression" is required, e.g. ?expression=cron(0 12 * * ? *)');
    }
    if (expression.length > 256) throw inputError('"expression" is longer than 256 characters');
    const parsed = parseScheduleExpression(expression);
    if (!parsed.ok) throw inputError(`invalid schedule "${expression}": ${parsed.message}`);

    const timezone = c.req.query('timezone') ?? 'UTC';
    if (!validateTimezone(timezone)) {
      throw inputError(
        `"timezone" "${timezone.slice(0, 64)}" must be an IANA time zone name such as Europe/Berlin`,
      );
    }

    const fromText = c.req.query('from');
    let from = services.clock.now();
    if (fromText !== undefined) {
      const ms = /^\d{4}-\d{2}-\d{2}T/.test(fromText) ? Date.parse(fromText) : Number.NaN;
      if (Number.isNaN(ms)) {
        throw inputError(
          `"from" "${fromText.slice(0, 64)}" must be an ISO 8601 time such as 2030-01-01T00:00:00Z`,
        );
      }
      from = new Date(ms);
    }

    const countText = c.req.query('count');
    let count = DEFAULT_PREVIEW_COUNT;
    if (countText !== undefined) {
      if (!/^\d{1,4}$/.test(countText) || Number(countText) < 1 || Number(countText) > MAX_PREVIEW_COUNT) {
        throw inputError(`"count" must be a whole number from 1 to ${MAX_PREVIEW_COUNT}`);
      }
      count = Number(countText);
    }

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
