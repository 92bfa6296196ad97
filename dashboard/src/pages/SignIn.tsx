import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api/client.ts';
import type { Credentials } from '../api/session.ts';
import type { DashboardConfig } from '../api/types.ts';
import { ErrorNotice } from '../ui/components.tsx';

/** Sign in with a client id and access token (kept in this tab's sessionStorage only). */
export function SignInPage(props: { onSignedIn: (credentials: Credentials) => Promise<void> }) {
  const [clientId, setClientId] = useState('');
  const [accessToken, setAccessToken] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [config, setConfig] = useState<DashboardConfig | null>(null);

  useEffect(() => {
    document.title = 'Sign in · Hookline';
    fetch('/dashboard.json')
      .then((res) => (res.ok ? (res.json() as Promise<DashboardConfig>) : null))
      .then(setConfig, () => setConfig(null));
  }, []);

  return (
    <main class="sign-in" id="main">
      <form
        class="card"
        aria-labelledby="sign-in-title"
        onSubmit={async (event) => {
          event.preventDefault();
          setBusy(true);
          setError(null);
          try {
            await props.onSignedIn({ clientId: clientId.trim(), accessToken: accessToken.trim() });
          } catch (e) {
            setError(
              e instanceof ApiError && e.status === 401
                ? new Error('The client id or access token is not right (or the client is disabled).')
                : e,
            );
          } finally {
            setBusy(false);
          }
        }}
      >
        <h1 id="sign-in-title">
          <span aria-hidden="true">⚓</span> Sign in to Hookline
        </h1>
        <label>
          Client id
          <input
            name="clientId"
            autoComplete="username"
            required
            value={clientId}
            onInput={(e) => setClientId(e.currentTarget.value)}
          />
        </label>
        <label>
          Access token
          <input
            name="accessToken"
            type="password"
            autoComplete="current-password"
            required
            value={accessToken}
            onInput={(e) => setAccessToken(e.currentTarget.value)}
          />
        </label>
        <ErrorNotice error={error} />
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p class="muted small">
          The token stays in this tab only (sessionStorage) and is sent as a Bearer header to the API.
        </p>
        {config?.credentialsFile ? (
          <p class="hint small">
            The root client's credentials of this local stack are in <code>{config.credentialsFile}</code>.
          </p>
        ) : null}
      </form>
    </main>
  );
}
