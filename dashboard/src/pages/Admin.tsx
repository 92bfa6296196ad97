import { useEffect, useState } from 'preact/hooks';
import { api, query } from '../api/client.ts';
import type { Client, ClientList, ClientWithToken, HookTypeList } from '../api/types.ts';
import { localTime, relativeTime } from '../format.ts';
import { useCan } from '../session.tsx';
import { ConfirmButton, CopyButton, ErrorNotice, JsonView, MoreButton, Section } from '../ui/components.tsx';
import { usePaged } from '../ui/usePaged.ts';

/** Clients (create, scopes, disable, reset) and hook types, as the signed-in client's scopes allow. */
export function AdminPage() {
  const [reload, setReload] = useState(0);
  const [token, setToken] = useState<ClientWithToken | null>(null);
  useEffect(() => {
    document.title = 'Admin · Hookline';
  }, []);
  return (
    <>
      <div class="page-head">
        <h1>Admin</h1>
      </div>
      {token ? <NewToken client={token} onDone={() => setToken(null)} /> : null}
      <div class="grid">
        <div class="col">
          <ClientsList reload={reload} onToken={setToken} onChanged={() => setReload((n) => n + 1)} />
        </div>
        <div class="col">
          <CreateClient
            onCreated={(client) => {
              setToken(client);
              setReload((n) => n + 1);
            }}
          />
          <HookTypes />
        </div>
      </div>
    </>
  );
}

/** A new access token: shown this once, with a copy button. */
function NewToken(props: { client: ClientWithToken; onDone: () => void }) {
  return (
    <div class="notice notice-ok token-once" role="alert">
      <p>
        The access token of <code>{props.client.clientId}</code>. It is shown this once: copy it now.
      </p>
      <div class="row">
        <code class="token" data-testid="new-token">
          {props.client.accessToken}
        </code>
        <CopyButton text={props.client.accessToken} label="Copy token" />
        <button type="button" onClick={props.onDone}>
          I have kept it
        </button>
      </div>
    </div>
  );
}

function ClientsList(props: {
  reload: number;
  onToken: (client: ClientWithToken) => void;
  onChanged: () => void;
}) {
  const clients = usePaged<Client>(String(props.reload), async (continuationToken) => {
    const page = await api<ClientList>('GET', `/clients${query({ limit: 50, continuationToken })}`);
    return { items: page.clients, continuationToken: page.continuationToken };
  });
  const [error, setError] = useState<unknown>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const act = async (what: () => Promise<void>) => {
    setError(null);
    try {
      await what();
      props.onChanged();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <Section title="Clients">
      <ErrorNotice error={clients.error ?? error} />
      <ul class="clients">
        {clients.items.map((client) => {
          const path = `/clients/${encodeURIComponent(client.clientId)}`;
          return (
            <li key={client.clientId} data-client={client.clientId}>
              <div class="row spread">
                <div>
                  <strong>{client.clientId}</strong>{' '}
                  {client.disabled ? <span class="status tone-warn">⊘ disabled</span> : null}
                  <div class="muted small">
                    {client.description || 'no description'} · used{' '}
                    <span title={localTime(client.lastDateUsed)}>{relativeTime(client.lastDateUsed)}</span> ·
                    expires {localTime(client.expires)}
                  </div>
                </div>
                <div class="row">
                  <button
                    type="button"
                    onClick={() => setEditing(editing === client.clientId ? null : client.clientId)}
                    aria-expanded={editing === client.clientId}
                  >
                    Scopes
                  </button>
                  <ConfirmButton
                    label={client.disabled ? 'Enable' : 'Disable'}
                    tone={client.disabled ? 'primary' : 'danger'}
                    question={
                      client.disabled
                        ? `Enable ${client.clientId}?`
                        : `Disable ${client.clientId}? Its requests are refused until it is enabled.`
                    }
                    onConfirm={() =>
                      act(
                        async () =>
                          void (await api('POST', `${path}/${client.disabled ? 'enable' : 'disable'}`)),
                      )
                    }
                  />
                  <ConfirmButton
                    label="Reset token"
                    tone="danger"
                    question={`Give ${client.clientId} a new access token? The old one stops working at once.`}
                    onConfirm={() =>
                      act(async () => props.onToken(await api<ClientWithToken>('POST', `${path}/reset`)))
                    }
                  />
                </div>
              </div>
              {editing === client.clientId ? (
                <ScopesEditor
                  client={client}
                  onSave={(scopes) =>
                    act(async () => {
                      await api('POST', path, { scopes });
                      setEditing(null);
                    })
                  }
                />
              ) : (
                <div class="scopes">
                  {client.scopes.map((scope) => (
                    <code key={scope} class="scope">
                      {scope}
                    </code>
                  ))}
                </div>
              )}
            </li>
          );
        })}
      </ul>
      <MoreButton more={clients.hasMore} loading={clients.loading} onMore={clients.more} />
    </Section>
  );
}

function ScopesEditor(props: { client: Client; onSave: (scopes: string[]) => Promise<void> }) {
  const [text, setText] = useState(props.client.scopes.join('\n'));
  return (
    <form
      class="stack"
      onSubmit={(e) => {
        e.preventDefault();
        void props.onSave(scopesOf(text));
      }}
    >
      <label>
        Scopes of {props.client.clientId}, one a line
        <textarea class="code" rows={5} value={text} onInput={(e) => setText(e.currentTarget.value)} />
      </label>
      <div class="row">
        <button type="submit" class="primary">
          Save scopes
        </button>
      </div>
    </form>
  );
}

const scopesOf = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);

function CreateClient(props: { onCreated: (client: ClientWithToken) => void }) {
  const can = useCan();
  const [clientId, setClientId] = useState('');
  const [description, setDescription] = useState('');
  const [scopes, setScopes] = useState('');
  const [expires, setExpires] = useState('');
  const [error, setError] = useState<unknown>(null);
  if (!can('auth:create-client:*')) return null;
  return (
    <Section title="New client">
      <form
        class="stack"
        aria-label="New client"
        onSubmit={async (e) => {
          e.preventDefault();
          setError(null);
          try {
            const created = await api<ClientWithToken>(
              'PUT',
              `/clients/${encodeURIComponent(clientId.trim())}`,
              {
                description,
                scopes: scopesOf(scopes),
                ...(expires ? { expires: new Date(expires).toISOString() } : {}),
              },
            );
            setClientId('');
            setDescription('');
            setScopes('');
            props.onCreated(created);
          } catch (err) {
            setError(err);
          }
        }}
      >
        <label>
          <span>
            Client id{' '}
            <abbr class="required" title="required">
              *
            </abbr>
          </span>
          <input
            name="newClientId"
            required
            value={clientId}
            onInput={(e) => setClientId(e.currentTarget.value)}
          />
        </label>
        <label>
          Description
          <input
            name="description"
            value={description}
            onInput={(e) => setDescription(e.currentTarget.value)}
          />
        </label>
        <label>
          Scopes, one a line
          <textarea
            name="scopes"
            class="code"
            rows={4}
            placeholder="hooks:trigger-hook:my-group/*"
            value={scopes}
            onInput={(e) => setScopes(e.currentTarget.value)}
          />
        </label>
        <label>
          Expires (optional)
          <input
            type="datetime-local"
            name="expires"
            value={expires}
            onInput={(e) => setExpires(e.currentTarget.value)}
          />
        </label>
        <ErrorNotice error={error} />
        <div class="row">
          <button type="submit" class="primary">
            Create client
          </button>
        </div>
      </form>
    </Section>
  );
}

function HookTypes() {
  const [types, setTypes] = useState<HookTypeList['hookTypes'] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api<HookTypeList>('GET', '/hook-types').then((list) => setTypes(list.hookTypes), setError);
  }, []);
  return (
    <Section title="Hook types">
      <ErrorNotice error={error} />
      {types?.length === 0 ? <p class="muted">No hook types.</p> : null}
      {types?.map((type) => (
        <details key={type.name}>
          <summary>
            <strong>{type.name}</strong> <span class="muted">{type.description}</span>
          </summary>
          <JsonView
            value={{ configuration: type.configuration, events: Object.keys(type.events) }}
            label={`Hook type ${type.name}`}
          />
        </details>
      ))}
    </Section>
  );
}
