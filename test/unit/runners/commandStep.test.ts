import { describe, expect, it } from 'vitest';
import type {
  CommandObservers,
  CommandRequest,
  CommandRunner,
} from '../../../functions/ports/commandRunner.ts';
import { commandAction } from '../../../functions/runners/commandStep.ts';
import { actionInput } from './actionInput.ts';

/** The `command` action (functions/runners/commandStep.ts): what it hands the CommandRunner port. */
describe('commandAction', () => {
  it('hands the runner the step’s program, the stdin document, the env, the bounds and the observers', async () => {
    const asked: Array<{ request: CommandRequest; signal: AbortSignal; observers?: CommandObservers }> = [];
    const runner: CommandRunner = {
      run: async (request, signal, observers) => {
        asked.push({ request, signal, observers });
        return { status: 'succeeded', exitCode: 0, output: { stdout: 'ok' } };
      },
    };
    const onOutput = () => undefined;
    const onProcessStarted = () => undefined;
    const controller = new AbortController();
    const input = actionInput(
      { name: 'build', command: 'make all', shell: '/bin/bash', cwd: '/srv/app' },
      { signal: controller.signal, onOutput, onProcessStarted },
    );
    const outcome = await commandAction(runner)(input);
    expect(outcome).toEqual({ status: 'succeeded', exitCode: 0, output: { stdout: 'ok' } });
    expect(asked).toHaveLength(1);
    expect(asked[0]!.request).toEqual({
      command: 'make all',
      shell: '/bin/bash',
      cwd: '/srv/app',
      env: { PATH: '/usr/bin:/bin', HOOKLINE_RUN_ID: 'run-1' },
      stdin: JSON.stringify({ payload: { n: 1 }, hook: { hookId: 'h' } }),
      timeoutMs: 10_000,
      outputLimitBytes: 1024,
    });
    expect(asked[0]!.signal).toBe(controller.signal);
    expect(asked[0]!.observers).toEqual({ onOutput, onProcessStarted });
  });

  it('passes artifacts to keep and earlier artifacts to give only when the step has them', async () => {
    const requests: CommandRequest[] = [];
    const runner: CommandRunner = {
      run: async (request) => {
        requests.push(request);
        return {
          status: 'failed',
          exitCode: 2,
          output: {},
          error: { message: 'the command exited with code 2' },
        };
      },
    };
    const artifacts = { declared: [{ path: 'out.txt' }] } as never;
    const artifactInputs = [{ name: 'a.txt', source: { kind: 'file' as const, path: '/tmp/a.txt' } }];
    const outcome = await commandAction(runner)(
      actionInput({ name: 'argv', command: ['ls', '-l'] }, { artifacts, artifactInputs }),
    );
    expect(outcome.status).toBe('failed');
    await commandAction(runner)(actionInput({ name: 'plain', command: ['true'] }));
    expect(requests[0]).toMatchObject({ command: ['ls', '-l'], artifacts, artifactInputs });
    expect('artifacts' in requests[1]!).toBe(false);
    expect('artifactInputs' in requests[1]!).toBe(false);
  });
});
