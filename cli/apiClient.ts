import { ApiError, UnreachableError } from './errors.ts';
import type { Credentials, Target } from './config.ts';

/** The Hookline HTTP API (`/api/hooks/v1`) and the EventBridge-compatible endpoint at the base URL. */
export const API_PREFIX = '/api/hooks/v1';
const REQUEST_TIMEOUT_MS = 30_000;

export type Query = Record<string, string | number | undefined>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  headers?: Record<string, string>;
}

export function bearer(credentials: Credentials): string {
  return `Bearer ${credentials.clientId}:${credentials.accessToken}`;
}

export function queryString(query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** Encodes each path segment (hook ids may hold `/`, which the API takes as one segment each). */
export function path(strings: TemplateStringsArray, ...values: Array<string | number>): string {
  return strings.reduce(
    (out, part, i) => out + part + (i < values.length ? encodeURIComponent(String(values[i])) : ''),
    '',
  );
}

export class ApiClient {
  constructor(readonly target: Target) {}

  get baseUrl(): string {
    return this.target.url;
  }

  authHeaders(): Record<string, string> {
    return this.target.credentials ? { authorization: bearer(this.target.credentials) } : {};
  }

  /** A JSON request to the API; an error answer becomes an ApiError with its code and message. */
  async request<T = Record<string, unknown>>(
    method: string,
    apiPath: string,
    options: RequestOptions = {},
  ): Promise<T> {
    const res = await this.fetch(`${API_PREFIX}${apiPath}${queryString(options.query)}`, {
      method,
      headers: {
        ...this.authHeaders(),
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...options.headers,
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    return (await readJson(res)) as T;
  }

  get<T = Record<string, unknown>>(apiPath: string, query?: Query): Promise<T> {
    return this.request<T>('GET', apiPath, { query });
  }

  /** A raw request (streams, the EventBridge endpoint); a connection failure is an UnreachableError. */
  async fetch(pathAndQuery: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(`${this.baseUrl}${pathAndQuery}`, init);
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const why =
        (error as Error).name === 'TimeoutError'
          ? `no answer within ${REQUEST_TIMEOUT_MS / 1000} s`
          : (cause?.code ?? cause?.message ?? (error as Error).message);
      throw new UnreachableError(`cannot reach ${this.baseUrl} (${this.target.source}): ${why}`);
    }
  }
}

/** The JSON body of an answer; a non-2xx answer throws ApiError (`{code, message}` of the API). */
export async function readJson(res: Response): Promise<unknown> {
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : {};
  } catch {
    parsed = undefined;
  }
  if (!res.ok) {
    const body = (parsed && typeof parsed === 'object' ? parsed : {}) as Record<string, unknown>;
    // The API says {code, message}; the EventBridge endpoint says {__type, message}.
    const code = String(body.code ?? body.__type ?? `HTTP${res.status}`);
    const message = String(body.message ?? (text.slice(0, 500) || res.statusText));
    throw new ApiError(res.status, code, message, body);
  }
  if (parsed === undefined)
    throw new ApiError(res.status, 'InvalidResponse', `expected JSON, got: ${text.slice(0, 200)}`);
  return parsed;
}
