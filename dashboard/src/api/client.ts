import type { ApiErrorBody } from './types.ts';
import { type Credentials, loadCredentials } from './session.ts';

/** Where the API lives: the same origin as the dashboard (functions/api/app.ts API_PREFIX). */
export const API_BASE = '/api/hooks/v1';

/** An answer of the API other than 2xx, with what it said. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }

  /** The scopes a 403 names as missing (the authorizer's message: "lacks the scope a, b needed for …"). */
  get missingScopes(): string[] {
    if (this.status !== 403) return [];
    const named = /lacks the scopes? (.+?) needed for/.exec(this.message)?.[1];
    return named ? named.split(', ') : [];
  }
}

/** Told when the API refuses the credentials (401): the app signs out. */
let onUnauthenticated: () => void = () => {};
export function whenUnauthenticated(callback: () => void): void {
  onUnauthenticated = callback;
}

export function authHeader(credentials: Credentials): string {
  return `Bearer ${credentials.clientId}:${credentials.accessToken}`;
}

/** Calls the API with the signed-in client's Bearer credentials; throws ApiError for a non-2xx answer. */
export async function api<T>(
  method: string,
  path: string,
  body?: unknown,
  options: { credentials?: Credentials; signal?: AbortSignal } = {},
): Promise<T> {
  const credentials = options.credentials ?? loadCredentials();
  const headers: Record<string, string> = { accept: 'application/json' };
  if (credentials) headers.authorization = authHeader(credentials);
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(API_BASE + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: options.signal,
  });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : {};
  } catch {
    parsed = { code: 'BadResponse', message: text.slice(0, 300) };
  }
  if (!res.ok) {
    const error = parsed as Partial<ApiErrorBody>;
    if (res.status === 401 && !options.credentials) onUnauthenticated();
    throw new ApiError(res.status, error.code ?? 'Error', error.message ?? `${res.status} ${res.statusText}`);
  }
  return parsed as T;
}

/** A query string from the defined, non-empty values. */
export function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** Path segments, encoded. */
export function hookPath(hookGroupId: string, hookId: string): string {
  return `/hooks/${encodeURIComponent(hookGroupId)}/${encodeURIComponent(hookId)}`;
}

/**
 * Downloads a file the API serves (an artifact) with the signed-in client's credentials: a link
 * cannot carry them, so the file is fetched and handed to the browser as a download.
 */
export async function download(path: string, fileName: string): Promise<void> {
  const credentials = loadCredentials();
  const res = await fetch(API_BASE + path, {
    headers: credentials ? { authorization: authHeader(credentials) } : {},
  });
  if (!res.ok) {
    const error = (await res.json().catch(() => ({}))) as Partial<ApiErrorBody>;
    if (res.status === 401) onUnauthenticated();
    throw new ApiError(res.status, error.code ?? 'Error', error.message ?? `${res.status} ${res.statusText}`);
  }
  const url = URL.createObjectURL(await res.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
