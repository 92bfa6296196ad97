import { useEffect, useState } from 'preact/hooks';
import { api, authHeader } from '../api/client.ts';
import type { DashboardConfig, EventMatches } from '../api/types.ts';
import { PUT_EVENTS_SCOPE } from '../../../functions/api/auth/awsEndpointGuard.ts';
import { Link } from '../router.tsx';
import { useCan, useSession } from '../session.tsx';
import { ErrorNotice, JsonView, Section } from '../ui/components.tsx';

const SAMPLE_EVENT = {
  version: '0',
  id: '00000000-0000-0000-0000-000000000001',
  'detail-type': 'Object Created',
  source: 'aws.s3',
  account: '123456789012',
  time: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  region: 'eu-west-1',
  resources: [],
  detail: { bucket: { name: 'my-bucket' }, object: { key: 'reports/today.csv' } },
};

/** Paste an event: which hooks' bindings match it and by which pattern; put it on the bus. */
export function EventsPage() {
  const [text, setText] = useState(() => JSON.stringify(SAMPLE_EVENT, null, 2));
  const [matches, setMatches] = useState<EventMatches['matches'] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [sent, setSent] = useState<string | null>(null);
  const [config, setConfig] = useState<DashboardConfig | null>(null);
  const can = useCan();
  const session = useSession();

  useEffect(() => {
    document.title = 'Events · Hookline';
    fetch('/dashboard.json')
      .then((res) => (res.ok ? (res.json() as Promise<DashboardConfig>) : null))
      .then(setConfig, () => undefined);
  }, []);

  const parsed = (): Record<string, unknown> => {
    const event = JSON.parse(text) as unknown;
    if (!event || typeof event !== 'object' || Array.isArray(event))
      throw new Error('The event must be a JSON object.');
    return event as Record<string, unknown>;
  };

  const putOnBus = async () => {
    const event = parsed();
    // The local stack's EventBridge-compatible endpoint (PutEvents), with the same Bearer credentials.
    const res = await fetch('/', {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'AWSEvents.PutEvents',
        authorization: authHeader(session.credentials),
      },
      body: JSON.stringify({
        Entries: [
          {
            Source: event.source,
            DetailType: event['detail-type'],
            Detail: JSON.stringify(event.detail ?? {}),
            Resources: event.resources ?? [],
          },
        ],
      }),
    });
    const answer = (await res.json()) as {
      FailedEntryCount?: number;
      Entries?: Array<{ EventId?: string; ErrorMessage?: string }>;
      message?: string;
    };
    if (!res.ok) throw new Error(answer.message ?? `PutEvents answered ${res.status}`);
    const entry = answer.Entries?.[0];
    if (!entry?.EventId) throw new Error(entry?.ErrorMessage ?? 'the event was not accepted');
    setSent(entry.EventId);
  };

  return (
    <>
      <div class="page-head">
        <h1>Events</h1>
      </div>
      <div class="grid">
        <Section title="Event">
          <form
            class="stack"
            onSubmit={async (e) => {
              e.preventDefault();
              setError(null);
              setSent(null);
              try {
                setMatches((await api<EventMatches>('POST', '/events/match', { event: parsed() })).matches);
              } catch (err) {
                setMatches(null);
                setError(err);
              }
            }}
          >
            <label>
              Event (JSON, as EventBridge delivers it)
              <textarea
                class="code"
                rows={16}
                spellcheck={false}
                value={text}
                onInput={(e) => setText(e.currentTarget.value)}
              />
            </label>
            <ErrorNotice error={error} />
            {sent ? (
              <div class="notice notice-ok" role="status">
                Put on the bus as event <code>{sent}</code>.{' '}
                <Link href="/runs?firedBy=event">See the runs it fired</Link>.
              </div>
            ) : null}
            <div class="row">
              <button type="submit" class="primary">
                Match bindings
              </button>
              {config?.eventBridgeEndpoint && can(PUT_EVENTS_SCOPE) ? (
                <button
                  type="button"
                  onClick={async () => {
                    setError(null);
                    try {
                      await putOnBus();
                    } catch (err) {
                      setError(err);
                    }
                  }}
                >
                  Put on the bus
                </button>
              ) : null}
            </div>
          </form>
        </Section>
        <Section title="Matching bindings">
          {matches === null ? <p class="muted">Match an event to see which hooks it would fire.</p> : null}
          {matches?.length === 0 ? (
            <p class="empty">No binding matches this event: it would fire nothing.</p>
          ) : null}
          <ul class="matches" aria-label="Matching bindings">
            {matches?.map((match) => (
              <li key={`${match.hookGroupId}/${match.hookId}/${match.bindingIndex}`}>
                <Link
                  href={`/hooks/${encodeURIComponent(match.hookGroupId)}/${encodeURIComponent(match.hookId)}`}
                  class="strong"
                >
                  {match.name}
                </Link>{' '}
                <code class="small">
                  {match.hookGroupId}/{match.hookId}
                </code>
                <div class="muted small">binding {match.bindingIndex + 1} matches with the pattern</div>
                <JsonView value={match.pattern} label={`Pattern of binding ${match.bindingIndex + 1}`} />
              </li>
            ))}
          </ul>
        </Section>
      </div>
    </>
  );
}
