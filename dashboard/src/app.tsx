import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api, whenUnauthenticated } from './api/client.ts';
import { type Credentials, clearCredentials, loadCredentials, saveCredentials } from './api/session.ts';
import type { Client } from './api/types.ts';
import { AdminPage } from './pages/Admin.tsx';
import { EventsPage } from './pages/Events.tsx';
import { HookPage } from './pages/Hook.tsx';
import { HooksPage } from './pages/Hooks.tsx';
import { RunPage } from './pages/Run.tsx';
import { RunsPage } from './pages/Runs.tsx';
import { SchedulesPage } from './pages/Schedules.tsx';
import { SignInPage } from './pages/SignIn.tsx';
import { Link, navigate, useLocation } from './router.tsx';
import { type Session, SessionContext } from './session.tsx';

const NAV = [
  { href: '/hooks', label: 'Hooks' },
  { href: '/runs', label: 'Runs' },
  { href: '/events', label: 'Events' },
  { href: '/schedules', label: 'Schedules' },
  { href: '/admin', label: 'Admin' },
];

/** The scopes of the signed-in client, when it may read itself; null otherwise. */
async function scopesOf(credentials: Credentials): Promise<string[] | null> {
  try {
    const self = await api<Client>('GET', `/clients/${encodeURIComponent(credentials.clientId)}`, undefined, {
      credentials,
    });
    return self.expandedScopes;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) throw error;
    return null;
  }
}

export function App() {
  const location = useLocation();
  const [credentials, setCredentials] = useState<Credentials | null>(loadCredentials);
  const [scopes, setScopes] = useState<string[] | null>(null);
  /** Whose scopes `scopes` are (sign-in reads them already; a reload reads them here). */
  const scopesOfClient = useRef<string | null>(null);

  const signOut = () => {
    clearCredentials();
    setCredentials(null);
    navigate('/sign-in');
  };
  useEffect(() => whenUnauthenticated(signOut), []);
  useEffect(() => {
    if (!credentials || scopesOfClient.current === credentials.clientId) return;
    scopesOfClient.current = credentials.clientId;
    void scopesOf(credentials).then(setScopes, () => signOut());
  }, [credentials]);

  const path = location.pathname;
  if (!credentials || path === '/sign-in') {
    return (
      <SignInPage
        onSignedIn={async (signedIn) => {
          const held = await scopesOf(signedIn);
          saveCredentials(signedIn);
          scopesOfClient.current = signedIn.clientId;
          setScopes(held);
          setCredentials(signedIn);
          const next = new URLSearchParams(location.search).get('next');
          navigate(next?.startsWith('/') && !next.startsWith('//') ? next : '/hooks');
        }}
      />
    );
  }
  const session: Session = { credentials, scopes, signOut };
  return (
    <SessionContext.Provider value={session}>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <Link href="/hooks" class="brand">
          <span aria-hidden="true">⚓</span> Hookline
        </Link>
        <nav aria-label="Main">
          {NAV.map((item) => (
            <Link
              key={item.href}
              href={item.href}
              aria-current={path === item.href || path.startsWith(`${item.href}/`) ? 'page' : undefined}
            >
              {item.label}
            </Link>
          ))}
        </nav>
        <div class="who">
          <span class="muted" title="Signed in as">
            {credentials.clientId}
          </span>
          <button type="button" onClick={signOut}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Page path={path} />
      </main>
    </SessionContext.Provider>
  );
}

function Page(props: { path: string }) {
  const parts = props.path.split('/').filter(Boolean).map(decodeURIComponent);
  switch (parts[0]) {
    case undefined:
    case 'hooks':
      if (parts.length === 3) return <HookPage hookGroupId={parts[1]!} hookId={parts[2]!} />;
      return <HooksPage />;
    case 'runs':
      if (parts.length === 2) return <RunPage runId={parts[1]!} />;
      return <RunsPage />;
    case 'events':
      return <EventsPage />;
    case 'schedules':
      return <SchedulesPage />;
    case 'admin':
      return <AdminPage />;
    default:
      return (
        <div class="card">
          <h1>Not found</h1>
          <p>
            There is no page at <code>{props.path}</code>. <Link href="/hooks">See the hooks</Link>.
          </p>
        </div>
      );
  }
}
