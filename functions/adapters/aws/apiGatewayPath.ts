/**
 * The request path as the client sent it, from an API Gateway event whose path may have been decoded.
 *
 * Hook ids and client ids may contain `/` (core/ids.ts HOOK_ID_PATTERN, app/clients.ts CLIENT_ID_PATTERN);
 * Taskcluster clients send such an id percent-encoded (`nightly%2Fbackup`, `encodeURIComponent`) and sign
 * that encoded path with Hawk. An API Gateway HTTP API hands the function `rawPath` (and
 * `requestContext.http.path`) decoded — `/hooks/ops/nightly/backup` — while REST APIs and function URLs
 * keep it encoded. Routing and Hawk both need the encoded form, so before the event reaches the app this
 * module rebuilds it from the app's own routes: where a route's `:hookId` or `:clientId` spans several
 * path segments, they are one id, joined with `%2F` and encoded as Taskcluster clients encode it. A path
 * that arrives encoded comes out unchanged.
 *
 * One case cannot be told apart once decoded: an id whose end spells a sub-resource of that method
 * (`GET …/hooks/g/nightly/status` is the status of `nightly`, not the hook `nightly/status`).
 * The endpoint wins; README ("The front door") says so and names the fronts that keep the path encoded.
 */

/** Route parameters whose values may hold `/` (see above). */
const MAY_HOLD_A_SLASH = new Set([':hookId', ':clientId']);

export interface RouteTemplate {
  method: string;
  path: string;
}

interface CompiledRoute {
  method: string;
  segments: string[];
  /** Index of the segment that may span several path segments. */
  spanning: number;
}

export function compileRoutes(routes: readonly RouteTemplate[]): CompiledRoute[] {
  const compiled: CompiledRoute[] = [];
  const seen = new Set<string>();
  for (const route of routes) {
    const key = `${route.method} ${route.path}`;
    if (seen.has(key) || route.path.includes('*')) continue;
    seen.add(key);
    const segments = route.path.split('/');
    const spanning = segments.findIndex((s) => MAY_HOLD_A_SLASH.has(s));
    if (spanning >= 0) compiled.push({ method: route.method, segments, spanning });
  }
  return compiled;
}

/**
 * The path with every id that may hold `/` re-encoded: the route that matches with the fewest segments
 * in its spanning id wins (the endpoint over a longer id); no matching route leaves the path as it is.
 */
export function encodedRequestPath(method: string, rawPath: string, routes: CompiledRoute[]): string {
  const wanted = method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase();
  const parts = rawPath.split('/');
  let best: { route: CompiledRoute; extra: number } | undefined;
  for (const route of routes) {
    if (route.method !== wanted && route.method !== 'ALL') continue;
    const extra = parts.length - route.segments.length;
    if (extra < 0 || (best && best.extra <= extra)) continue;
    if (matches(route, parts, extra)) best = { route, extra };
  }
  if (!best) return rawPath;
  const { route, extra } = best;
  const id = parts.slice(route.spanning, route.spanning + extra + 1);
  return [
    ...parts.slice(0, route.spanning),
    id.map(encodeSegment).join('%2F'),
    ...parts.slice(route.spanning + extra + 1),
  ].join('/');
}

function matches(route: CompiledRoute, parts: string[], extra: number): boolean {
  for (let i = 0; i < route.segments.length; i++) {
    const template = route.segments[i]!;
    if (i === route.spanning) {
      if (parts.slice(i, i + extra + 1).some((p) => p === '')) return false;
      continue;
    }
    const part = parts[i < route.spanning ? i : i + extra]!;
    if (template.startsWith(':') ? part === '' : part !== template) return false;
  }
  return true;
}

/** Encodes as `encodeURIComponent` does, leaving `%XX` escapes as they are (ids hold no `%` themselves). */
function encodeSegment(segment: string): string {
  return segment.replace(/%[0-9A-Fa-f]{2}|[^%]+|%/g, (piece) =>
    piece.length === 3 && piece.startsWith('%') ? piece : encodeURIComponent(piece),
  );
}
