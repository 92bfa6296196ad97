import { Command } from 'commander';
import { registerApplyCommands } from './commands/apply.ts';
import { registerArtifactCommands } from './commands/artifacts.ts';
import { registerClientCommands } from './commands/clients.ts';
import { registerCompletionCommand } from './commands/completion.ts';
import { registerDataCommands } from './commands/data.ts';
import { registerEventCommands } from './commands/events.ts';
import { registerHookCommands } from './commands/hooks.ts';
import { registerHookTypeCommands } from './commands/hookTypes.ts';
import { registerLoginCommand } from './commands/login.ts';
import { registerLogCommands } from './commands/logs.ts';
import { registerRunCommands } from './commands/runs.ts';
import { registerScheduleCommands } from './commands/schedule.ts';
import { registerTriggerCommands } from './commands/trigger.ts';

/** The package version, put in by cli/build.ts (`dev` when run from source). */
declare const HOOKLINE_VERSION: string | undefined;
const VERSION = typeof HOOKLINE_VERSION === 'string' ? HOOKLINE_VERSION : 'dev';

/** The `hookline` command tree (commander); cli/main.ts runs it. */
const MORE_HELP = `
Finding the stack (first found wins): --url/--client-id/--access-token; HOOKLINE_URL,
HOOKLINE_CLIENT_ID, HOOKLINE_ACCESS_TOKEN; --profile/HOOKLINE_PROFILE; the local stack of
--data-dir/HOOKLINE_DATA_DIR/./.hookline (its stack.json and credentials.json); the "default"
profile of ~/.config/hookline/config.json (hookline login writes it).

Exit codes: 0 ok, 1 the run failed or the API refused the request, 2 a usage or local mistake
(bad JSON, missing file), 3 the stack cannot be reached or refused the credentials.`;

export function buildProgram(): Command {
  const program = new Command('hookline')
    .description('Hookline from the command line: hooks as files, fire them, follow their runs live.')
    .version(VERSION)
    .option('--url <url>', 'the stack’s base URL (env HOOKLINE_URL)')
    .option('--client-id <id>', 'API client id (env HOOKLINE_CLIENT_ID)')
    .option(
      '--access-token <token>',
      'API access token (env HOOKLINE_ACCESS_TOKEN; "-" reads stdin for login)',
    )
    .option('--data-dir <dir>', 'a local stack’s data directory (env HOOKLINE_DATA_DIR; default ./.hookline)')
    .option('--profile <name>', 'a profile of ~/.config/hookline/config.json (env HOOKLINE_PROFILE)')
    .option('--json', 'print JSON (for scripts)')
    .option('--no-color', 'no colour (also: NO_COLOR set, or stdout not a terminal)')
    .addHelpText('after', MORE_HELP)
    .showSuggestionAfterError()
    .enablePositionalOptions(false);
  registerHookCommands(program);
  registerApplyCommands(program);
  registerTriggerCommands(program);
  registerRunCommands(program);
  registerLogCommands(program);
  registerArtifactCommands(program);
  registerScheduleCommands(program);
  registerEventCommands(program);
  registerClientCommands(program);
  registerHookTypeCommands(program);
  registerDataCommands(program);
  registerLoginCommand(program);
  registerCompletionCommand(program);
  // every command: usage mistakes throw (main.ts gives them exit 2) instead of exiting on their own
  const configure = (command: Command) => {
    command.exitOverride();
    command.commands.forEach(configure);
  };
  configure(program);
  return program;
}
