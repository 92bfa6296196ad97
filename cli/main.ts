import { CommanderError } from 'commander';
import { ApiError, CliError, EXIT } from './errors.ts';
import { buildProgram } from './program.ts';

/**
 * The `hookline` command (bin/hookline.mjs loads this file's bundle, cli/dist/hookline.mjs).
 * Every error ends here: said once on stderr, with the exit code cli/errors.ts gives it.
 */
function report(error: unknown): number {
  const colour = process.stderr.isTTY && !process.env.NO_COLOR;
  const red = (text: string) => (colour ? `\x1b[31m${text}\x1b[0m` : text);
  if (error instanceof CommanderError) {
    // commander already printed the problem (or the help / version)
    return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if (error instanceof ApiError) {
    const where = typeof error.body.path === 'string' ? ` (at ${error.body.path})` : '';
    process.stderr.write(`${red(`error: ${error.code}`)} (HTTP ${error.status}): ${error.message}${where}\n`);
    return error.exitCode;
  }
  if (error instanceof CliError) {
    process.stderr.write(`${red('error:')} ${error.message}\n`);
    return error.exitCode;
  }
  process.stderr.write(`${red('error:')} ${(error as Error).stack ?? String(error)}\n`);
  return EXIT.failed;
}

async function main(): Promise<void> {
  try {
    await buildProgram().parseAsync(process.argv);
  } catch (error) {
    process.exitCode = report(error);
  }
}

// A closed pipe (hookline runs ls | head) is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

await main();
