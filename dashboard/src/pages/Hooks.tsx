import { useEffect, useState } from 'preact/hooks';
import { api, hookPath } from '../api/client.ts';
import type { HookDefinition, HookGroups, HookList, HookStatus } from '../api/types.ts';
import { localTime, relativeTime, scheduleInWords } from '../format.ts';
import { Link, setQuery, useLocation } from '../router.tsx';
import { useCan } from '../session.tsx';
import { ErrorNotice, Loading, Status } from '../ui/components.tsx';
import { HookEditor } from './HookEditor.tsx';

/** How many status requests run at once while the list fills in. */
const STATUS_PARALLELISM = 6;

type Row = { hook: HookDefinition; status?: HookStatus; statusError?: unknown };

/** Every hook by group: name, triggers, the last run's result; a filter box. */
export function HooksPage() {
  const location = useLocation();
  const filter = location.searchParams.get('q') ?? '';
  const can = useCan();
  const [rows, setRows] = useState<Row[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [creating, setCreating] = useState(false);
  const [reload, setReload] = useState(0);

  useEffect(() => {
    document.title = 'Hooks · Hookline';
    let alive = true;
    (async () => {
      const { groups } = await api<HookGroups>('GET', '/hooks');
      const lists = await Promise.all(
        groups.map((group) =>
          api<HookList>('GET', `/hooks/${encodeURIComponent(group)}`).catch(() => ({ hooks: [] })),
        ),
      );
      const found: Row[] = lists
        .flatMap((list) => list.hooks.map((hook) => ({ hook })))
        .sort((a, b) => a.hook.metadata.name.localeCompare(b.hook.metadata.name));
      if (!alive) return;
      setRows(found);
      let next = 0;
      const worker = async () => {
        while (alive && next < found.length) {
          const i = next++;
          const row = found[i]!;
          const status = await api<HookStatus>(
            'GET',
            `${hookPath(row.hook.hookGroupId, row.hook.hookId)}/status`,
          )
            .then((s) => ({ status: s }))
            .catch((e: unknown) => ({ statusError: e }));
          if (!alive) return;
          setRows((old) => old?.map((r, j) => (j === i ? { ...r, ...status } : r)) ?? old);
        }
      };
      await Promise.all(Array.from({ length: STATUS_PARALLELISM }, worker));
    })().catch((e: unknown) => alive && setError(e));
    return () => {
      alive = false;
    };
  }, [reload]);

  const needle = filter.trim().toLowerCase();
  const shown = (rows ?? []).filter(
    ({ hook }) =>
      !needle ||
      `${hook.hookGroupId}/${hook.hookId} ${hook.metadata.name} ${hook.metadata.description}`
        .toLowerCase()
        .includes(needle),
  );
  const groups = [...new Set(shown.map((r) => r.hook.hookGroupId))];

  return (
    <>
      <div class="page-head">
        <h1>Hooks</h1>
        <input
          type="search"
          aria-label="Filter hooks"
          placeholder="Filter by group, id or name"
          value={filter}
          onInput={(e) => setQuery({ q: e.currentTarget.value || undefined })}
        />
        {can('hooks:modify-hook:*') ? (
          <button
            type="button"
            class="primary"
            onClick={() => setCreating(!creating)}
            aria-expanded={creating}
          >
            New hook
          </button>
        ) : null}
      </div>
      {creating ? (
        <HookEditor
          onSaved={() => {
            setCreating(false);
            setReload((n) => n + 1);
          }}
        />
      ) : null}
      <ErrorNotice error={error} />
      {!rows && !error ? <Loading what="hooks" /> : null}
      {rows && shown.length === 0 ? (
        <p class="empty">{rows.length === 0 ? 'No hooks yet.' : `No hook matches “${filter}”.`}</p>
      ) : null}
      {groups.map((group) => (
        <section class="card" key={group} aria-labelledby={`group-${group}`}>
          <h2 id={`group-${group}`}>{group}</h2>
          <table class="list">
            <thead>
              <tr>
                <th scope="col">Hook</th>
                <th scope="col">Triggers</th>
                <th scope="col">Last run</th>
              </tr>
            </thead>
            <tbody>
              {shown
                .filter((r) => r.hook.hookGroupId === group)
                .map((row) => (
                  <HookRow key={row.hook.hookId} row={row} />
                ))}
            </tbody>
          </table>
        </section>
      ))}
    </>
  );
}

function HookRow({ row }: { row: Row }) {
  const { hook, status } = row;
  const last = status?.lastFire;
  // runState/runResult: API-CONTRACT item 6 (absent from an older server: the fire is shown as fired).
  const run = last as { runState?: string | null; runResult?: string | null } | undefined;
  const runOutcome = run?.runResult ?? run?.runState ?? 'fired';
  return (
    <tr>
      <td data-label="Hook">
        <Link href={hookPath(hook.hookGroupId, hook.hookId)} class="strong">
          {hook.metadata.name}
        </Link>
        <div class="muted small mono">{hook.hookId}</div>
      </td>
      <td data-label="Triggers">
        {hook.schedule.map((expression) => (
          <div key={expression}>
            <span aria-hidden="true">◷</span> {scheduleInWords(expression)}
          </div>
        ))}
        {status?.nextScheduledDate ? (
          <div class="muted small" title={localTime(status.nextScheduledDate)}>
            next {relativeTime(status.nextScheduledDate)}
          </div>
        ) : null}
        {hook.bindings.length ? (
          <div>
            <span aria-hidden="true">⚡</span> {hook.bindings.length} binding
            {hook.bindings.length > 1 ? 's' : ''}
          </div>
        ) : null}
        {!hook.schedule.length && !hook.bindings.length ? <span class="muted">API only</span> : null}
      </td>
      <td data-label="Last run">
        {!status && !row.statusError ? <span class="muted">…</span> : null}
        {row.statusError ? <span class="muted">not allowed</span> : null}
        {last?.result === 'no-fire' ? <Status value="no-fire" /> : null}
        {last && last.result !== 'no-fire' ? (
          <>
            <Link href={`/runs/${last.runId}`}>
              <Status value={last.result === 'error' ? 'error' : runOutcome} />
            </Link>
            <div class="muted small" title={localTime(last.time)}>
              {relativeTime(last.time)}
            </div>
          </>
        ) : null}
      </td>
    </tr>
  );
}
