import type { HookDefinition } from '../core/hookDefinition.ts';
import { nextFireTimes } from '../core/schedule/fireTimes.ts';
import { parseScheduleExpression } from '../core/schedule/grammar.ts';

/** The next time any of the hook's schedules fires, after `now` (getHookStatus.nextScheduledDate). */
export function nextScheduledDate(definition: HookDefinition, now: Date): string | undefined {
  let next: Date | undefined;
  for (const expression of definition.schedule) {
    const parsed = parseScheduleExpression(expression);
    if (!parsed.ok) continue;
    const [time] = nextFireTimes(parsed.schedule, {
      timezone: definition.scheduleTimezone,
      after: now,
      count: 1,
    });
    if (time && (!next || time < next)) next = time;
  }
  return next?.toISOString();
}
