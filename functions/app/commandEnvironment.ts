/**
 * What a `command` step's environment is made of, and nothing else: the base variables below from
 * the server's environment (when set there), the names the operator passes (`--pass-env`,
 * `HOOKLINE_PASS_ENV`), the job's `env`, the step's `env`, then the `HOOKLINE_*` step variables
 * (`functions/app/runStep.ts`). Never the server's `AWS_*` credentials or any other variable.
 */
export const BASE_COMMAND_VARIABLES = ['PATH', 'HOME', 'LANG', 'TZ', 'USER', 'SHELL'] as const;

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

/** Why a name cannot be passed to commands, or undefined when it can. */
export function passEnvRefusal(name: string): string | undefined {
  if (!VARIABLE_NAME.test(name)) return `"${name.slice(0, 100)}" is not an environment variable name`;
  if (/^AWS_/i.test(name)) return `${name}: the server's AWS credentials and settings never reach a command`;
  if (/^HOOKLINE_/i.test(name))
    return `${name}: the server's HOOKLINE_* settings never reach a command (HOOKLINE_* names are the step variables)`;
  return undefined;
}

/** Parses `NAME[,NAME]` (the `--pass-env` option); throws naming a name that cannot be passed. */
export function parsePassEnv(text: string | undefined): string[] {
  if (!text) return [];
  const names = [
    ...new Set(
      text
        .split(',')
        .map((name) => name.trim())
        .filter(Boolean),
    ),
  ];
  for (const name of names) {
    const refusal = passEnvRefusal(name);
    if (refusal) throw new Error(`--pass-env: ${refusal}`);
  }
  return names;
}

/**
 * The variables every command starts from: the base variables and the passed names, read from
 * `server` (the environment the stack was started with), then `overrides` (the `--run-as` user's
 * HOME and USER).
 */
export function baseCommandEnvironment(
  server: Readonly<Record<string, string | undefined>>,
  passNames: readonly string[],
  overrides: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of [...BASE_COMMAND_VARIABLES, ...passNames]) {
    if (passEnvRefusal(name)) continue;
    const value = server[name];
    if (value !== undefined) env[name] = value;
  }
  return { ...env, ...overrides };
}
