import { getConnInfo } from '@hono/node-server/conninfo';
import type { DashboardOptions } from '../../functions/api/routes/dashboard.ts';
import { DASHBOARD_DIST_DIR } from '../bundlingOptions.ts';
import { isLoopback } from './localAuth.ts';

/** The built dashboard of this checkout (`npm run build:dashboard`). */
export { DASHBOARD_DIST_DIR };

/**
 * The dashboard as `npm start` serves it: from this checkout's build; the sign-in screen of a browser on
 * this machine (a loopback peer) is told where the root credentials file is — the path, never the token.
 */
export function localDashboard(credentialsFile: string | undefined): DashboardOptions {
  return {
    distDir: DASHBOARD_DIST_DIR,
    config: (c) => {
      const peer = getConnInfo(c).remote.address;
      return {
        eventBridgeEndpoint: true,
        ...(credentialsFile && peer && isLoopback(peer) ? { credentialsFile } : {}),
      };
    },
  };
}
