/** The signed-in client: kept in sessionStorage only (gone when the tab closes), sent as Bearer. */
export interface Credentials {
  clientId: string;
  accessToken: string;
}

const KEY = 'hookline.credentials';

export function loadCredentials(): Credentials | null {
  try {
    const parsed = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as Credentials | null;
    return parsed && typeof parsed.clientId === 'string' && typeof parsed.accessToken === 'string'
      ? parsed
      : null;
  } catch {
    return null;
  }
}

export function saveCredentials(credentials: Credentials): void {
  sessionStorage.setItem(KEY, JSON.stringify(credentials));
}

export function clearCredentials(): void {
  sessionStorage.removeItem(KEY);
}
