import type { Command } from 'commander';
import { ApiClient } from '../apiClient.ts';
import { resolveTarget } from '../config.ts';
import { action } from '../context.ts';
import { ApiError, UsageError } from '../errors.ts';
import { readStdin } from '../input.ts';
import { printJson } from '../output.ts';
import { writeProfile } from '../config.ts';

/**
 * `hookline login`: checks a URL and credentials against the API and keeps them as a profile in
 * ~/.config/hookline/config.json (mode 0600). The access token comes from --access-token,
 * HOOKLINE_ACCESS_TOKEN, or stdin with `--access-token -` (so it stays out of the shell history).
 */
export function registerLoginCommand(program: Command): void {
  program
    .command('login')
    .description('check a URL and credentials, and keep them as a profile (default: "default")')
    .action(
      action(async (_args, { options, output }) => {
        const accessToken = options.accessToken === '-' ? readStdin().trim() : options.accessToken;
        const name = options.profile ?? 'default';
        const target = resolveTarget({
          url: options.url,
          clientId: options.clientId,
          accessToken,
          dataDir: options.dataDir,
        });
        if (!target.credentials)
          throw new UsageError(
            'login needs credentials: --client-id and --access-token (or HOOKLINE_CLIENT_ID/HOOKLINE_ACCESS_TOKEN)',
          );
        const api = new ApiClient(target);
        // The credentials are checked before any scope: 401 means they are wrong; 403 means they are
        // right but lack hooks:list-hooks:, which a login does not need.
        try {
          await api.get('/hooks');
        } catch (error) {
          if (!(error instanceof ApiError && error.status === 403 && error.code === 'InsufficientScopes'))
            throw error;
        }
        const file = writeProfile(name, { url: target.url, ...target.credentials });
        if (output.json)
          return printJson(output, {
            profile: name,
            url: target.url,
            clientId: target.credentials.clientId,
            file,
          });
        output.out(
          `logged in to ${target.url} as ${target.credentials.clientId}; profile "${name}" saved in ${file}\n`,
        );
      }),
    );
}
