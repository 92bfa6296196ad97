import { InvokeWithResponseStreamCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { LambdaCommandRunner } from '../../../../functions/adapters/aws/lambdaCommandRunner.ts';
import { handler } from '../../../../functions/handlers/commandRunner.ts';
import type { CommandRequest } from '../../../../functions/ports/commandRunner.ts';
import type { StepOutput } from '../../../../functions/core/runModel.ts';

/**
 * The cloud's command runner: the step function invokes the command-runner function with
 * InvokeWithResponseStream (request shape checked with aws-sdk-client-mock), and the function runs
 * the command with exactly the environment it is given, streaming chunks and then the result.
 */
const lambda = mockClient(LambdaClient);
afterEach(() => lambda.reset());
// The unit tests share a worker (vitest.config.ts): the class goes back to the SDK's own send.
afterAll(() => lambda.restore());

const request: CommandRequest = {
  command: ['sh', '-c', 'echo err >&2; echo \'{"output": {"n": 1}}\''],
  env: { PATH: process.env.PATH!, HOOKLINE_RUN_ID: 'r-1' },
  stdin: '{"payload":{}}',
  timeoutMs: 10_000,
  outputLimitBytes: 1024,
};

/** The runner function's response as Lambda streams it: payload chunks cut anywhere, then InvokeComplete. */
function streamOf(text: string, cuts: number[] = [], errorCode?: string) {
  const bytes = Buffer.from(text);
  const bounds = [0, ...cuts, bytes.length];
  return (async function* () {
    for (let i = 0; i + 1 < bounds.length; i++) {
      yield { PayloadChunk: { Payload: new Uint8Array(bytes.subarray(bounds[i], bounds[i + 1])) } };
    }
    yield { InvokeComplete: errorCode ? { ErrorCode: errorCode, ErrorDetails: 'out of memory' } : {} };
  })();
}

async function runnerFunction(event: unknown): Promise<string> {
  return (handler as (event: unknown) => Promise<string>)(event);
}

describe('the command-runner function', () => {
  it('runs the command with exactly the given environment and streams chunks, then the result', async () => {
    const text = await runnerFunction({ ...request, command: ['env'] });
    const lines = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const result = lines.at(-1).result;
    expect(result.status).toBe('succeeded');
    expect(result.output.stdout.trim().split('\n').sort()).toEqual(
      ['HOOKLINE_RUN_ID=r-1', `PATH=${process.env.PATH}`].sort(),
    );
    expect(lines.slice(0, -1).every((l) => l.chunk?.stream === 'stdout')).toBe(true);
  });

  it('stops streaming a stream after outputLimitBytes; the result keeps head and tail', async () => {
    const text = await runnerFunction({
      ...request,
      command: ['sh', '-c', 'i=0; while [ $i -lt 400 ]; do echo line-$i; i=$((i+1)); done'],
      outputLimitBytes: 256,
    });
    const lines = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const streamed = lines.filter((l) => l.chunk).reduce((n, l) => n + Buffer.byteLength(l.chunk.text), 0);
    expect(streamed).toBe(256);
    const result = lines.at(-1).result;
    expect(result.output.truncated).toBe(true);
    expect(result.output.stdout).toContain('line-399');
  });

  it('refuses a request that is not one', async () => {
    await expect(runnerFunction({ command: ['true'] })).rejects.toThrow(/command request/);
  });
});

describe('LambdaCommandRunner', () => {
  it('invokes the runner with InvokeWithResponseStream and the request as the payload', async () => {
    const answer = await runnerFunction(request);
    lambda
      .on(InvokeWithResponseStreamCommand)
      .resolves({ StatusCode: 200, EventStream: streamOf(answer, [7, 30]) });
    // What the step runner's live-output writer sees as the chunks arrive: the bounded output so far.
    const seen: StepOutput[] = [];
    const outcome = await new LambdaCommandRunner('hookline-command-runner', new LambdaClient({})).run(
      request,
      new AbortController().signal,
      { onOutput: (current) => seen.push(current()) },
    );
    const calls = lambda.commandCalls(InvokeWithResponseStreamCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]!.args[0].input;
    expect(input.FunctionName).toBe('hookline-command-runner');
    expect(JSON.parse(Buffer.from(input.Payload as Uint8Array).toString('utf8'))).toEqual(request);
    expect(outcome).toMatchObject({
      status: 'succeeded',
      exitCode: 0,
      output: { stdout: '{"output": {"n": 1}}\n', stderr: 'err\n', data: { n: 1 } },
    });
    // Output shows while the command runs: the last view before the result holds all that streamed.
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.at(-1)).toMatchObject({ stdout: '{"output": {"n": 1}}\n', stderr: 'err\n' });
  });

  it('a runner that fails (InvokeComplete with an error) makes the step failed with the reason', async () => {
    lambda.on(InvokeWithResponseStreamCommand).resolves({
      StatusCode: 200,
      EventStream: streamOf('{"chunk":{"stream":"stdout","text":"x"}}\n', [], 'Runtime.OutOfMemory'),
    });
    const outcome = await new LambdaCommandRunner('runner', new LambdaClient({})).run(
      request,
      new AbortController().signal,
    );
    expect(outcome).toEqual({
      status: 'failed',
      error: { message: 'the command runner failed: Runtime.OutOfMemory (out of memory)' },
      output: {},
    });
  });

  it('a failed invocation (throttled) is thrown, for the engine to retry', async () => {
    lambda
      .on(InvokeWithResponseStreamCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' }));
    await expect(
      new LambdaCommandRunner('runner', new LambdaClient({})).run(request, new AbortController().signal),
    ).rejects.toThrow(/Rate exceeded/);
  });
});

describe('LambdaCommandRunner when the run stops', () => {
  it('a cancel while the command runs ends the wait with the step cancelled', async () => {
    let streaming!: () => void;
    const started = new Promise<void>((resolve) => {
      streaming = resolve;
    });
    const endless = (async function* () {
      yield {
        PayloadChunk: { Payload: new Uint8Array(Buffer.from('{"chunk":{"stream":"stdout","text":"x"}}\n')) },
      };
      await new Promise(() => undefined); // the command never ends on its own
    })();
    lambda.on(InvokeWithResponseStreamCommand).resolves({ StatusCode: 200, EventStream: endless });
    const controller = new AbortController();
    const running = new LambdaCommandRunner('runner', new LambdaClient({})).run(request, controller.signal, {
      onOutput: () => streaming(),
    });
    await started;
    controller.abort('cancelled');
    expect(await running).toEqual({
      status: 'cancelled',
      error: { message: 'the run was cancelled; the command was stopped' },
      output: {},
    });
  });
});
