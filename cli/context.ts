import type { Command } from 'commander';
import { ApiClient } from './apiClient.ts';
import { type GlobalOptions, resolveTarget } from './config.ts';
import { createOutput, type Output } from './output.ts';

/** What a command's action gets: its options (with the global ones), the output, and the API client. */
export interface Context<O> {
  options: O & GlobalOptions & { json?: boolean; color?: boolean };
  output: Output;
  /** The API client, the stack found on first use (so local mistakes are said before any network). */
  api(): ApiClient;
}

export function contextOf<O>(command: Command): Context<O> {
  const options = command.optsWithGlobals() as Context<O>['options'];
  const output = createOutput({ json: options.json, color: options.color });
  let client: ApiClient | undefined;
  return {
    options,
    output,
    api: () => {
      client ??= new ApiClient(resolveTarget(options));
      return client;
    },
  };
}

/**
 * A commander action: positional arguments, then the context; a number it resolves to is the exit code. Errors propagate to main.ts, which
 * turns them into messages and exit codes.
 */
export function action<O = Record<string, unknown>>(run: (args: string[], context: Context<O>) => unknown) {
  return async (...received: unknown[]) => {
    const command = received[received.length - 1] as Command;
    // commander passes the positional arguments (undefined for an optional one not given), options, command
    const args = received.slice(0, -2);
    const code = await run(args as string[], contextOf<O>(command));
    if (typeof code === 'number' && code !== 0) process.exitCode = code;
  };
}
