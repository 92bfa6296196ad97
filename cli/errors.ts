/**
 * What can go wrong in the `hookline` command, and the exit code each means (README.md, "The hookline
 * command"): 0 ok, 1 the run failed (or the API refused the request), 2 a usage or local mistake,
 * 3 the stack cannot be reached or refused the credentials.
 */
export const EXIT = { ok: 0, failed: 1, usage: 2, unreachable: 3 } as const;

export abstract class CliError extends Error {
  abstract readonly exitCode: number;
}

/** A wrong argument or option. */
export class UsageError extends CliError {
  readonly exitCode = EXIT.usage;
}

/** A mistake on this side: a missing file, bad JSON, a YAML error at file:line. */
export class LocalInputError extends CliError {
  readonly exitCode = EXIT.usage;
}

/** No stack at the URL, or no URL/credentials to be found. */
export class UnreachableError extends CliError {
  readonly exitCode = EXIT.unreachable;
}

/** The API answered with an error: `{code, message}`; 401/403 exit 3, the rest 1. */
export class ApiError extends CliError {
  readonly exitCode: number;
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly body: Record<string, unknown> = {},
  ) {
    super(message);
    this.exitCode = status === 401 || status === 403 ? EXIT.unreachable : EXIT.failed;
  }
}

/** What was asked for is not there, found out on this side (a config key the hook does not have). */
export class NotFound extends CliError {
  readonly exitCode = EXIT.failed;
}

/** The run finished, but not successfully (trigger --wait, logs --follow, watch). */
export class RunFailed extends CliError {
  readonly exitCode = EXIT.failed;
}
