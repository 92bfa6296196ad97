import { useEffect, useState } from 'preact/hooks';
import { api, hookPath, query } from '../api/client.ts';
import type { History, HookDefinition, HookType, LastFires, SchedulePreview } from '../api/types.ts';
import { localTime, relativeTime, scheduleInWords } from '../format.ts';
import { Link } from '../router.tsx';
import { useCan } from '../session.tsx';
import { ErrorNotice, JsonView, Loading, MoreButton, Section, Status } from '../ui/components.tsx';
import { usePaged } from '../ui/usePaged.ts';
import { HookEditor } from './HookEditor.tsx';
import { TriggerForm } from './TriggerForm.tsx';

/** One hook: trigger form, definition, schedules, bindings, last fires, history, config. */
export function HookPage(props: { hookGroupId: string; hookId: string }) {
  const path = hookPath(props.hookGroupId, props.hookId);
  const can = useCan();
  const [hook, setHook] = useState<HookDefinition | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [editing, setEditing] = useState(false);
  /** Bumped by a save: the history is read again. */
  const [revision, setRevision] = useState(0);

  useEffect(() => {
    document.title = `${props.hookGroupId}/${props.hookId} · Hookline`;
    setHook(null);
    setError(null);
    api<HookDefinition>('GET', path).then(setHook, setError);
  }, [path]);

  if (error) return <ErrorNotice error={error} />;
  if (!hook) return <Loading what="the hook" />;
  return (
    <>
      <nav aria-label="Breadcrumb" class="crumbs">
        <Link href="/hooks">Hooks</Link> / <span>{hook.hookGroupId}</span>
      </nav>
      <div class="page-head">
        <div>
          <h1>{hook.metadata.name}</h1>
          <p class="muted">
            <code>
              {hook.hookGroupId}/{hook.hookId}
            </code>{' '}
            · {hook.metadata.description} · owner {hook.metadata.owner} ·{' '}
            <Link href={`/runs?hook=${encodeURIComponent(`${hook.hookGroupId}/${hook.hookId}`)}`}>
              its runs
            </Link>
          </p>
        </div>
      </div>
      <div class="grid">
        <div class="col">
          {can(`hooks:trigger-hook:${hook.hookGroupId}/${hook.hookId}`) ? <TriggerForm hook={hook} /> : null}
          <Schedules hook={hook} />
          <Section title="Bindings">
            {hook.bindings.length === 0 ? <p class="muted">No event bindings.</p> : null}
            {hook.bindings.map((pattern, i) => (
              <JsonView key={i} value={pattern} label={`Binding ${i + 1}`} />
            ))}
          </Section>
          <Config hook={hook} />
        </div>
        <div class="col">
          <LastFiresList path={path} />
          <Section
            title="Definition"
            actions={
              can(`hooks:modify-hook:${hook.hookGroupId}/${hook.hookId}`) ? (
                <button type="button" onClick={() => setEditing(!editing)} aria-expanded={editing}>
                  {editing ? 'Close editor' : 'Edit'}
                </button>
              ) : null
            }
          >
            {editing ? null : <JsonView value={hook} label="Hook definition" />}
          </Section>
          {editing ? (
            <HookEditor
              hook={hook}
              onSaved={(saved) => {
                setHook(saved);
                setEditing(false);
                setRevision((n) => n + 1);
              }}
            />
          ) : null}
          <HistoryList path={path} revision={revision} />
        </div>
      </div>
    </>
  );
}

function Schedules({ hook }: { hook: HookDefinition }) {
  const [previews, setPreviews] = useState<Array<SchedulePreview | Error>>([]);
  useEffect(() => {
    void Promise.all(
      hook.schedule.map((expression) =>
        api<SchedulePreview>(
          'GET',
          `/schedule-preview${query({ expression, timezone: hook.scheduleTimezone, count: 10 })}`,
        ).catch((e: Error) => e),
      ),
    ).then(setPreviews);
  }, [hook]);
  if (hook.schedule.length === 0) return null;
  return (
    <Section title="Schedules">
      <p class="muted small">
        Times in the hook's time zone, {hook.scheduleTimezone}; catch-up: {hook.catchUp}.
      </p>
      {hook.schedule.map((expression, i) => {
        const preview = previews[i];
        return (
          <div key={expression} class="schedule">
            <h3>
              {scheduleInWords(expression)} <code class="small">{expression}</code>
            </h3>
            {preview instanceof Error ? <ErrorNotice error={preview} /> : null}
            {preview && !(preview instanceof Error) ? (
              <ol class="times" aria-label={`Next fire times of ${expression}`}>
                {preview.times.map((time) => (
                  <li key={time}>
                    {localTime(time, hook.scheduleTimezone)} <span class="muted">({relativeTime(time)})</span>
                  </li>
                ))}
              </ol>
            ) : null}
          </div>
        );
      })}
    </Section>
  );
}

function LastFiresList({ path }: { path: string }) {
  const fires = usePaged(path, async (continuationToken) => {
    const page = await api<LastFires>('GET', `${path}/last-fires${query({ limit: 20, continuationToken })}`);
    return { items: page.lastFires, continuationToken: page.continuationToken };
  });
  return (
    <Section title="Last fires">
      <ErrorNotice error={fires.error} />
      {!fires.loading && fires.items.length === 0 && !fires.error ? <p class="muted">Never fired.</p> : null}
      <table class="list">
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Fired by</th>
            <th scope="col">Fire</th>
            <th scope="col">Run</th>
          </tr>
        </thead>
        <tbody>
          {fires.items.map((fire) => (
            <tr key={`${fire.time}-${fire.runId}`}>
              <td data-label="When" title={localTime(fire.time)}>
                {relativeTime(fire.time)}
              </td>
              <td data-label="Fired by">{fire.firedBy}</td>
              <td data-label="Fire">
                {fire.result}
                {fire.error ? <div class="muted small">{fire.error}</div> : null}
              </td>
              <td data-label="Run">
                {fire.runState ? (
                  <Link href={`/runs/${fire.runId}`}>
                    <Status value={fire.runResult ?? fire.runState} />
                  </Link>
                ) : (
                  <span class="muted">–</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <MoreButton more={fires.hasMore} loading={fires.loading} onMore={fires.more} />
    </Section>
  );
}

function HistoryList({ path, revision }: { path: string; revision: number }) {
  const history = usePaged(`${path}#history#${revision}`, async (continuationToken) => {
    const page = await api<History>('GET', `${path}/history${query({ limit: 20, continuationToken })}`);
    return { items: page.history, continuationToken: page.continuationToken };
  });
  return (
    <Section title="Change history">
      <ErrorNotice error={history.error} />
      <ul class="history">
        {history.items.map((entry) => (
          <li key={`${entry.time}-${entry.action}`}>
            <strong>{entry.action}</strong> by {entry.clientId ?? 'someone'}{' '}
            <span class="muted" title={localTime(entry.time)}>
              {relativeTime(entry.time)}
            </span>
            {entry.changes && entry.action === 'update' ? (
              <details>
                <summary>What changed</summary>
                <JsonView value={entry.changes} label="Changes" />
              </details>
            ) : null}
          </li>
        ))}
      </ul>
      <MoreButton more={history.hasMore} loading={history.loading} onMore={history.more} />
    </Section>
  );
}

function Config({ hook }: { hook: HookDefinition }) {
  const [type, setType] = useState<HookType | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (hook.hookType)
      api<HookType>('GET', `/hook-types/${encodeURIComponent(hook.hookType)}`).then(setType, setError);
  }, [hook.hookType]);
  if (!hook.hookType && !hook.config) return null;
  return (
    <Section title="Config">
      {hook.hookType ? (
        <p>
          Hook type <code>{hook.hookType}</code>
          {type ? ` — ${type.description}` : ''}
        </p>
      ) : null}
      <ErrorNotice error={error} />
      <table class="list">
        <thead>
          <tr>
            <th scope="col">Key</th>
            <th scope="col">Value</th>
            <th scope="col">About</th>
          </tr>
        </thead>
        <tbody>
          {[...new Set([...Object.keys(type?.configuration ?? {}), ...Object.keys(hook.config ?? {})])].map(
            (key) => {
              const spec = type?.configuration[key];
              const value = hook.config?.[key];
              return (
                <tr key={key}>
                  <td data-label="Key">
                    <code>{key}</code>
                    {spec?.required ? (
                      <span class="required" title="required">
                        {' '}
                        *
                      </span>
                    ) : null}
                  </td>
                  <td data-label="Value">
                    <code>
                      {value === undefined
                        ? spec?.default === undefined
                          ? '–'
                          : `${JSON.stringify(spec.default)} (default)`
                        : JSON.stringify(value)}
                    </code>
                  </td>
                  <td data-label="About" class="muted">
                    {spec?.description ?? ''}
                  </td>
                </tr>
              );
            },
          )}
        </tbody>
      </table>
    </Section>
  );
}
