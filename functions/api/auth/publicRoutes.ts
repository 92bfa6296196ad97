import { ENDPOINT_LIST } from '../endpoints/index.ts';
import type { EndpointDeclaration } from '../endpoint.ts';

/**
 * Which declared endpoint a request addresses, and so whether it needs credentials — derived from the
 * declarations (functions/api/endpoints/), never written twice. Every endpoint whose declaration is not
 * public refuses a request without valid credentials (401) before its handler runs, and so does a path
 * no endpoint has, so an unauthenticated caller learns nothing (not even whether a hook or run exists).
 */

/** A declared path as a matcher: each `{param}` is one non-empty segment (as the router matches it). */
function matcherOf(path: string): RegExp {
  const pattern = path
    .split(/(\{[A-Za-z]+\})/)
    .map((part) => (/^\{[A-Za-z]+\}$/.test(part) ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${pattern}$`);
}

const MATCHERS = ENDPOINT_LIST.map((declaration) => ({ declaration, matcher: matcherOf(declaration.path) }));

/** The declaration of `method path` (path relative to /api/hooks/v1, still URL-encoded; HEAD is GET). */
export function endpointAt(method: string, path: string): EndpointDeclaration | undefined {
  const m = method.toUpperCase() === 'HEAD' ? 'get' : method.toLowerCase();
  return MATCHERS.find(({ declaration, matcher }) => declaration.method === m && matcher.test(path))
    ?.declaration;
}

/** Whether `path` (relative to the API prefix) is a public endpoint for `method`. */
export function isPublicRoute(method: string, path: string): boolean {
  const declaration = endpointAt(method, path);
  return declaration !== undefined && 'public' in declaration.auth;
}

/**
 * A request that carries the ticket its endpoint declares instead of credentials (a run's event stream
 * opened with `?token=`: a browser's EventSource cannot send an Authorization header); the route checks
 * the ticket itself (functions/api/routes/runEvents.ts).
 */
export function opensWithTicket(
  method: string,
  path: string,
  query: (name: string) => string | undefined,
): boolean {
  const auth = endpointAt(method, path)?.auth;
  return (
    auth !== undefined && !('public' in auth) && auth.ticket !== undefined && query(auth.ticket) !== undefined
  );
}
