import type { CommandRunner } from '../../ports/commandRunner.ts';
import { type RunAsIdentity, runCommandProcess } from '../../runners/command.ts';

/** Commands locally: a child process of the stack, as the `--run-as` user when one is set. */
export class LocalCommandRunner implements CommandRunner {
  constructor(private readonly identity?: RunAsIdentity) {}

  run(...[request, signal, observers]: Parameters<CommandRunner['run']>) {
    return runCommandProcess(request, signal, { ...observers, identity: this.identity });
  }
}
