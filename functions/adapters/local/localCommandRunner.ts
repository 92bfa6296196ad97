import type { CommandRunner } from '../../ports/commandRunner.ts';
import { type RunAsIdentity, runCommandProcess } from '../../runners/command.ts';
import type { ProcessLauncher } from '../../runners/processLauncher.ts';

/**
 * Commands locally: a child process of the stack, as the `--run-as` user when one is set, spawned by
 * `launcher` (the stack gives its pool of spawn threads, functions/adapters/local/spawnPool.ts).
 */
export class LocalCommandRunner implements CommandRunner {
  constructor(
    private readonly identity?: RunAsIdentity,
    private readonly launcher?: ProcessLauncher,
    /** How its commands' directories are named (infra/local/scratchDirectories.ts). */
    private readonly scratchPrefix?: string,
  ) {}

  run(...[request, signal, observers]: Parameters<CommandRunner['run']>) {
    return runCommandProcess(request, signal, {
      ...observers,
      identity: this.identity,
      launcher: this.launcher,
      scratchPrefix: this.scratchPrefix,
    });
  }
}
