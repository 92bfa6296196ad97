import { Readable } from 'node:stream';
import type { Command } from 'commander';

/**
 * `hookline data export|import`: offline backup and restore of a local data directory's records
 * (infra/local/dataCommand.ts). It opens the stores (SQLite, the AWS SDK), so it lives in a second
 * bundle, cli/dist/data.mjs, loaded only by this command: `hookline --help` stays fast.
 */
export function registerDataCommands(program: Command): void {
  program
    .command('data')
    .description('offline backup and restore of every record of a local data directory (stack stopped)')
    .argument(
      '<export|import>',
      'export: every record as JSON lines on stdout; import: from stdin, into an empty store',
    )
    .option('--store <kind>', 'sqlite (default) or dynamodb')
    .option('--dynamodb-endpoint <url>', 'with --store dynamodb: a DynamoDB-compatible endpoint')
    .option('--table <name>', 'with --store dynamodb: the table (default hookline)')
    .allowExcessArguments(false)
    .action(async (which: string, options: Record<string, string | undefined>, command: Command) => {
      const dataDir = command.optsWithGlobals().dataDir as string | undefined;
      const argv = [which];
      for (const [flag, value] of [
        ['--data-dir', dataDir],
        ['--store', options.store],
        ['--dynamodb-endpoint', options.dynamodbEndpoint],
        ['--table', options.table],
      ] as const)
        if (value !== undefined) argv.push(flag, value);
      const { runDataCommand } = (await import(new URL('./data.mjs', import.meta.url).href)) as {
        runDataCommand: typeof import('../../infra/local/dataCommand.ts').runDataCommand;
      };
      process.exitCode = await runDataCommand(argv, {
        out: (text) => process.stdout.write(text),
        err: (text) => process.stderr.write(text),
        stdin: () => Readable.from(process.stdin),
        env: process.env,
      });
    });
}
