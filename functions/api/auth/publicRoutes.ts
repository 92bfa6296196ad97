/**
 * The endpoints that need no credentials (paths relative to /api/hooks/v1). Every other endpoint
 * refuses a request without valid credentials (401) before its handler runs, so an unauthenticated
 * caller learns nothing (not even whether a hook or run exists). `ping`, `openapi.json`,
 * `triggerHookWithToken` (the token in the path is the credential) and the schedule preview.
 * test/e2e/auth/scopeMatrix.test.ts holds this list and the app's routes together.
 */
export const PUBLIC_ROUTES: ReadonlyArray<{ method: string; pattern: RegExp; name: string }> = [
  { method: 'GET', pattern: /^\/ping$/, name: 'ping' },
  { method: 'GET', pattern: /^\/openapi\.json$/, name: 'openapi.json' },
  { method: 'POST', pattern: /^\/hooks\/[^/]+\/[^/]+\/trigger\/[^/]+$/, name: 'triggerHookWithToken' },
  { method: '*', pattern: /^\/schedule-preview(\/.*)?$/, name: 'schedule-preview' },
];

/** Whether `path` (relative to the API prefix) is a public endpoint for `method` (HEAD counts as GET). */
export function isPublicRoute(method: string, path: string): boolean {
  const m = method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase();
  return PUBLIC_ROUTES.some(
    (route) => (route.method === '*' || route.method === m) && route.pattern.test(path),
  );
}

/**
 * A run's event stream opened with a `?token=` ticket (a browser's EventSource cannot send an
 * Authorization header): the route checks the ticket itself (functions/api/routes/runEvents.ts).
 */
export function opensWithTicket(method: string, path: string, token: string | undefined): boolean {
  return token !== undefined && method.toUpperCase() === 'GET' && /^\/runs\/[^/]+\/events$/.test(path);
}
