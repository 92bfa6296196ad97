import { useEffect } from 'preact/hooks';
import { api, query } from '../api/client.ts';
import type { RunList, RunSummary } from '../api/types.ts';
import { duration, localTime, relativeTime } from '../format.ts';
import { Link, setQuery, useLocation } from '../router.tsx';
import { ErrorNotice, Loading, MoreButton, Status } from '../ui/components.tsx';
import { usePaged } from '../ui/usePaged.ts';

/** How often the first page is looked at again while the list is on screen (live updates). */
const REFRESH_MS = 4000;

const FILTERS = ['hook', 'status', 'result', 'firedBy', 'since', 'until'] as const;
type Filters = Partial<Record<(typeof FILTERS)[number], string>>;

/** A `datetime-local` value (the reader's zone) as ISO, for `since`/`until`. */
function isoOf(local: string | undefined): string | undefined {
  if (!local) return undefined;
  const ms = Date.parse(local);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** Every run, newest first, filtered; new runs and changed states appear without a reload. */
export function RunsPage() {
  const location = useLocation();
  const filters: Filters = Object.fromEntries(
    FILTERS.map((name) => [name, location.searchParams.get(name) ?? undefined]),
  );
  const [hookGroupId, hookId] = (filters.hook ?? '').split('/');
  const params = {
    hookGroupId: hookGroupId || undefined,
    hookId: hookId || undefined,
    status: filters.status,
    result: filters.result,
    firedBy: filters.firedBy,
    since: isoOf(filters.since),
    until: isoOf(filters.until),
  };
  const key = JSON.stringify(params);
  const runs = usePaged<RunSummary>(key, async (continuationToken) => {
    const page = await api<RunList>('GET', `/runs${query({ ...params, limit: 50, continuationToken })}`);
    return { items: page.runs, continuationToken: page.continuationToken };
  });

  useEffect(() => {
    document.title = 'Runs · Hookline';
    const timer = setInterval(() => {
      if (document.visibilityState !== 'visible') return;
      void runs
        .refresh((fresh, old) => {
          // New runs on top; the ones already shown updated in place (a finished run shows its result).
          const freshById = new Map(fresh.map((r) => [r.runId, r]));
          const shown = new Set(old.map((r) => r.runId));
          return [
            ...fresh.filter((r) => !shown.has(r.runId)),
            ...old.map((r) => freshById.get(r.runId) ?? r),
          ];
        })
        .catch(() => undefined);
    }, REFRESH_MS);
    return () => clearInterval(timer);
  }, [key]);

  const set = (name: keyof Filters, value: string) => setQuery({ ...filters, [name]: value || undefined });

  return (
    <>
      <div class="page-head">
        <h1>Runs</h1>
        <span class="live small" aria-hidden="true">
          ● live
        </span>
      </div>
      <form class="filters card" aria-label="Filter runs" onSubmit={(e) => e.preventDefault()}>
        <label>
          Hook
          <input
            name="hook"
            placeholder="group/hook"
            value={filters.hook ?? ''}
            onChange={(e) => set('hook', e.currentTarget.value.trim())}
          />
        </label>
        <label>
          Status
          <select
            name="status"
            value={filters.status ?? ''}
            onChange={(e) => set('status', e.currentTarget.value)}
          >
            <option value="">any</option>
            <option value="pending">pending</option>
            <option value="running">running</option>
            <option value="finished">finished</option>
          </select>
        </label>
        <label>
          Result
          <select
            name="result"
            value={filters.result ?? ''}
            onChange={(e) => set('result', e.currentTarget.value)}
          >
            <option value="">any</option>
            <option value="succeeded">succeeded</option>
            <option value="succeeded_with_warnings">succeeded with warnings</option>
            <option value="failed">failed</option>
            <option value="cancelled">cancelled</option>
            <option value="timed_out">timed out</option>
          </select>
        </label>
        <label>
          Fired by
          <select
            name="firedBy"
            value={filters.firedBy ?? ''}
            onChange={(e) => set('firedBy', e.currentTarget.value)}
          >
            <option value="">any</option>
            <option value="triggerHook">API (triggerHook)</option>
            <option value="triggerHookWithToken">trigger token</option>
            <option value="schedule">schedule</option>
            <option value="event">event</option>
            <option value="rerun">rerun</option>
          </select>
        </label>
        <label>
          Since
          <input
            type="datetime-local"
            name="since"
            value={filters.since ?? ''}
            onChange={(e) => set('since', e.currentTarget.value)}
          />
        </label>
        <label>
          Until
          <input
            type="datetime-local"
            name="until"
            value={filters.until ?? ''}
            onChange={(e) => set('until', e.currentTarget.value)}
          />
        </label>
      </form>
      <ErrorNotice error={runs.error} />
      {runs.loading && runs.items.length === 0 ? <Loading what="runs" /> : null}
      {!runs.loading && !runs.error && runs.items.length === 0 ? <p class="empty">No runs match.</p> : null}
      {runs.items.length ? (
        <div class="card">
          <table class="list" aria-label="Runs">
            <thead>
              <tr>
                <th scope="col">Run</th>
                <th scope="col">Hook</th>
                <th scope="col">State</th>
                <th scope="col">Fired by</th>
                <th scope="col">Created</th>
                <th scope="col">Took</th>
              </tr>
            </thead>
            <tbody>
              {runs.items.map((run) => (
                <tr key={run.runId} data-run-id={run.runId}>
                  <td data-label="Run">
                    <Link href={`/runs/${run.runId}`} class="mono">
                      {run.runId}
                    </Link>
                  </td>
                  <td data-label="Hook">
                    <Link
                      href={`/hooks/${encodeURIComponent(run.hookGroupId)}/${encodeURIComponent(run.hookId)}`}
                    >
                      {run.hookGroupId}/{run.hookId}
                    </Link>
                  </td>
                  <td data-label="State">
                    <Status value={run.result ?? run.status} />
                  </td>
                  <td data-label="Fired by">{run.firedBy}</td>
                  <td data-label="Created" title={localTime(run.createdAt)}>
                    {relativeTime(run.createdAt)}
                  </td>
                  <td data-label="Took">
                    {run.startedAt && run.finishedAt
                      ? duration(Date.parse(run.finishedAt) - Date.parse(run.startedAt))
                      : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <MoreButton more={runs.hasMore} loading={runs.loading} onMore={runs.more} />
        </div>
      ) : null}
    </>
  );
}
