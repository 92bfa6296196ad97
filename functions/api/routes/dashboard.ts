import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Context } from 'hono';
import { Hono } from 'hono';

/**
 * Serves the web dashboard (dashboard/, built by `npm run build:dashboard` into dashboard/dist) at `/`,
 * beside the API under /api/hooks/v1: `npm start` and the cloud api function (which carries a copy of
 * dashboard/dist, see infra/hooklineConstruct.ts) serve the same build.
 *
 * - `/assets/<name>-<hash>.<ext>`: cached for a year (`immutable`): a new build has new names.
 * - the dashboard's pages (DASHBOARD_PAGES, history routing): index.html, `no-cache`.
 * - `/dashboard.json`: what this server tells the sign-in screen (DashboardConfig), `no-store`.
 * Files are read on first request and kept (the api function's cold start reads none of them). Without
 * a build the pages answer 503 saying how to build it.
 */

/** The paths the dashboard's router owns (README.md "The dashboard"); each answers index.html. */
export const DASHBOARD_PAGES = [
  '/',
  '/sign-in',
  '/hooks',
  '/hooks/*',
  '/runs',
  '/runs/*',
  '/events',
  '/schedules',
  '/admin',
  '/admin/*',
] as const;

/** What the sign-in screen may show: never a token, at most where the root credentials are kept. */
export interface DashboardConfig {
  /** The root credentials' file, told only to a browser on the machine running the stack. */
  credentialsFile?: string;
  /** Whether this server has the EventBridge-compatible endpoint at `/` (the local stack) for PutEvents. */
  eventBridgeEndpoint: boolean;
}

export interface DashboardOptions {
  /** The built dashboard: index.html and assets/. */
  distDir: string;
  /** What the sign-in screen is told, per request. */
  config: (c: Context) => DashboardConfig;
}

/** Only what the built dashboard itself loads: its own scripts and styles, the API on the same origin. */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/** A built asset's file name: letters, digits, `-`, `_`, one or more `.ext` (no path, no `..`). */
const ASSET_NAME = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9]+)+$/;

const NOT_BUILT =
  'The Hookline dashboard is not built. Run `npm run build:dashboard` (npm ci runs it too), then reload.\n' +
  'The API is at /api/hooks/v1.\n';

export function dashboardRoutes(options: DashboardOptions) {
  const app = new Hono();
  const files = new Map<string, Promise<Buffer | undefined>>();
  const read = (relative: string) => {
    let file = files.get(relative);
    if (!file) {
      file = readFile(path.join(options.distDir, relative)).catch(() => undefined);
      // A missing file is looked for again next time (the build may have run since).
      void file.then((found) => found ?? files.delete(relative));
      files.set(relative, file);
    }
    return file;
  };
  const secure = (c: Context) => {
    c.header('content-security-policy', DASHBOARD_CSP);
    c.header('x-content-type-options', 'nosniff');
    c.header('referrer-policy', 'no-referrer');
    c.header('x-frame-options', 'DENY');
  };

  const page = async (c: Context) => {
    secure(c);
    const html = await read('index.html');
    if (!html) {
      c.header('cache-control', 'no-store');
      return c.text(NOT_BUILT, 503);
    }
    c.header('cache-control', 'no-cache');
    return c.body(new Uint8Array(html), 200, { 'content-type': 'text/html; charset=utf-8' });
  };
  for (const pagePath of DASHBOARD_PAGES) app.get(pagePath, page);

  app.get('/assets/:file', async (c) => {
    const name = c.req.param('file');
    secure(c);
    const type = CONTENT_TYPES[path.extname(name)];
    const body = ASSET_NAME.test(name) && type ? await read(path.join('assets', name)) : undefined;
    if (!body) return c.text('no such dashboard asset\n', 404);
    c.header('cache-control', 'public, max-age=31536000, immutable');
    return c.body(new Uint8Array(body), 200, { 'content-type': type! });
  });

  app.get('/dashboard.json', (c) => {
    secure(c);
    c.header('cache-control', 'no-store');
    return c.json(options.config(c));
  });

  return app;
}
