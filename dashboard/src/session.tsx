import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { satisfies } from '../../functions/core/scopes.ts';
import type { Credentials } from './api/session.ts';

/** Who is signed in, and the scopes they hold when the API would tell (GET /clients/{self}). */
export interface Session {
  credentials: Credentials;
  /** null: not known (the client may not read itself); buttons are then shown and a 403 explains. */
  scopes: string[] | null;
  signOut: () => void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in page');
  return session;
}

/** Whether the signed-in client may do what needs `scope` (true when its scopes are not known). */
export function useCan(): (scope: string) => boolean {
  const session = useSession();
  return (scope) => session.scopes === null || satisfies(session.scopes, scope);
}
