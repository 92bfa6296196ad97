import { useEffect, useState } from 'preact/hooks';
import { api, hookPath, query } from '../api/client.ts';
import type { HookDefinition, HookGroups, HookList, SchedulePreview } from '../api/types.ts';
import { scheduleInWords } from '../format.ts';
import { Link } from '../router.tsx';
import { ErrorNotice, Loading } from '../ui/components.tsx';

const HOUR_MS = 3600_000;
/** The next 24 hours, drawn from the start of the current hour (25 hours wide). */
const WINDOW_MS = 24 * HOUR_MS;
const DRAWN_MS = 25 * HOUR_MS;
/** Most fire times asked per schedule (the preview's own limit); a busier schedule shows "100+". */
const MOST_TIMES = 100;

interface Lane {
  hook: HookDefinition;
  expression: string;
  times: number[];
  more: boolean;
}

/** The next 24 hours of fires across hooks, one lane per schedule, so overlaps are seen at a glance. */
export function SchedulesPage() {
  const [lanes, setLanes] = useState<Lane[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [from] = useState(() => Date.now());

  useEffect(() => {
    document.title = 'Schedules · Hookline';
    (async () => {
      const { groups } = await api<HookGroups>('GET', '/hooks');
      const hooks = (
        await Promise.all(
          groups.map((g) =>
            api<HookList>('GET', `/hooks/${encodeURIComponent(g)}`).catch(() => ({ hooks: [] })),
          ),
        )
      ).flatMap((list) => list.hooks);
      const found: Lane[] = [];
      for (const hook of hooks) {
        for (const expression of hook.schedule) {
          const preview = await api<SchedulePreview>(
            'GET',
            `/schedule-preview${query({ expression, timezone: hook.scheduleTimezone, count: MOST_TIMES, from: new Date(from).toISOString() })}`,
          );
          const times = preview.times.map((t) => Date.parse(t)).filter((t) => t < from + WINDOW_MS);
          if (times.length) found.push({ hook, expression, times, more: times.length === MOST_TIMES });
        }
      }
      setLanes(found.sort((a, b) => a.times[0]! - b.times[0]!));
    })().catch(setError);
  }, [from]);

  const start = Math.floor(from / HOUR_MS) * HOUR_MS;
  const ticks = Array.from({ length: 8 }, (_, i) => start + i * 3 * HOUR_MS);
  const at = (time: number) => `${(((time - start) / DRAWN_MS) * 100).toFixed(3)}%`;
  return (
    <>
      <div class="page-head">
        <h1>Schedules</h1>
        <p class="muted">
          The next 24 hours, in your time zone ({Intl.DateTimeFormat().resolvedOptions().timeZone}).
        </p>
      </div>
      <ErrorNotice error={error} />
      {!lanes && !error ? <Loading what="schedules" /> : null}
      {lanes?.length === 0 ? <p class="empty">No hook fires on a schedule in the next 24 hours.</p> : null}
      {lanes?.length ? (
        <div class="card timeline">
          <div class="lane lane-axis" aria-hidden="true">
            <div class="lane-name" />
            <div class="lane-track">
              {ticks.map((tick) => (
                <span key={tick} class="tick" style={{ left: at(tick) }}>
                  {new Date(tick).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })}
                </span>
              ))}
            </div>
          </div>
          <ul class="lanes" aria-label="Fires in the next 24 hours">
            {lanes.map((lane) => (
              <li class="lane" key={`${lane.hook.hookGroupId}/${lane.hook.hookId}/${lane.expression}`}>
                <div class="lane-name">
                  <Link href={hookPath(lane.hook.hookGroupId, lane.hook.hookId)}>
                    {lane.hook.metadata.name}
                  </Link>
                  <div class="muted small">
                    {scheduleInWords(lane.expression)} · {lane.times.length}
                    {lane.more ? '+' : ''} fires
                  </div>
                </div>
                <div class="lane-track">
                  {lane.times.map((time) => {
                    const label = new Date(time).toLocaleString(undefined, {
                      weekday: 'short',
                      hour: '2-digit',
                      minute: '2-digit',
                    });
                    return (
                      <span key={time} class="fire" style={{ left: at(time) }} title={label}>
                        <span class="sr-only">fires {label}</span>
                      </span>
                    );
                  })}
                </div>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </>
  );
}
