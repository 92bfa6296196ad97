import type { CommandRunner } from '../ports/commandRunner.ts';
import type { Action } from '../ports/stepActions.ts';

/**
 * The `command` action: hands the step's program, its stdin document and its environment to the
 * CommandRunner (a child process locally, the command-runner function in the cloud).
 */
export function commandAction(runner: CommandRunner): Action {
  return (input) => {
    const { step } = input.planned;
    return runner.run(
      {
        command: step.command!,
        shell: step.shell,
        cwd: step.cwd,
        env: input.env,
        stdin: JSON.stringify(input.document),
        timeoutMs: input.timeoutMs,
        outputLimitBytes: input.outputLimitBytes,
        ...(input.artifacts ? { artifacts: input.artifacts } : {}),
        ...(input.artifactInputs ? { artifactInputs: input.artifactInputs } : {}),
      },
      input.signal,
      { onOutput: input.onOutput, onProcessStarted: input.onProcessStarted },
    );
  };
}
