import { InvokeWithResponseStreamCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { CommandRunner } from '../../ports/commandRunner.ts';
import type { ActionOutcome, StopReason } from '../../runners/action.ts';
import { parseCommandRunnerLine } from '../../runners/commandRunnerProtocol.ts';

/**
 * Commands in the cloud: the command-runner function (whose role grants nothing but its own logs),
 * invoked with InvokeWithResponseStream. Output chunks stream back as the command writes them; the
 * last line is the result (`functions/runners/commandRunnerProtocol.ts`). A runner that fails or
 * ends without a result makes the step `failed` with the reason; a failed invocation (throttled,
 * unreachable) is thrown so the engine retries the step. Cancel and timeout stop the wait and
 * close the stream; the runner kills the command when its response stream closes, and the command's
 * own timeout bounds it in any case.
 */
export class LambdaCommandRunner implements CommandRunner {
  constructor(
    private readonly functionName: string,
    private readonly client: LambdaClient = new LambdaClient({}),
  ) {}

  async run(...[request, signal, onOutput]: Parameters<CommandRunner['run']>): Promise<ActionOutcome> {
    let pending = '';
    let result: ActionOutcome | undefined;
    let failure: string | undefined;
    const decoder = new TextDecoder();
    const take = (line: string) => {
      if (!line.trim()) return;
      const parsed = parseCommandRunnerLine(line);
      if (!parsed) failure ??= 'the command runner answered a line that is not its protocol';
      else if ('chunk' in parsed) onOutput?.(parsed.chunk);
      else result = parsed.result;
    };
    try {
      const response = await this.client.send(
        new InvokeWithResponseStreamCommand({
          FunctionName: this.functionName,
          Payload: Buffer.from(JSON.stringify(request)),
        }),
        { abortSignal: signal },
      );
      const events = response.EventStream ?? (async function* () {})();
      for await (const event of untilStopped(events, signal)) {
        if (event.PayloadChunk?.Payload) {
          pending += decoder.decode(event.PayloadChunk.Payload, { stream: true });
          const lines = pending.split('\n');
          pending = lines.pop() ?? '';
          for (const line of lines) take(line);
        }
        if (event.InvokeComplete?.ErrorCode) {
          failure = `the command runner failed: ${event.InvokeComplete.ErrorCode}${event.InvokeComplete.ErrorDetails ? ` (${event.InvokeComplete.ErrorDetails.slice(0, 500)})` : ''}`;
        }
      }
      take(pending + decoder.decode());
    } catch (error) {
      // A stop (cancel, the run's timeout) ends the wait; anything else is the engine's to retry.
      if (!signal.aborted) throw error;
    }
    if (signal.aborted && !result) {
      const reason = signal.reason as StopReason;
      return {
        status: reason === 'timed_out' ? 'timed_out' : 'cancelled',
        error: {
          message:
            reason === 'timed_out'
              ? 'the run timed out; the command was stopped'
              : 'the run was cancelled; the command was stopped',
        },
        output: {},
      };
    }
    if (failure || !result) {
      return {
        status: 'failed',
        error: { message: failure ?? 'the command runner ended without a result' },
        output: {},
      };
    }
    return result;
  }
}

/** The stream's events until it ends or `signal` aborts (then the stream is closed and this throws). */
async function* untilStopped<T>(stream: AsyncIterable<T>, signal: AbortSignal): AsyncGenerator<T> {
  const iterator = stream[Symbol.asyncIterator]();
  let onAbort: () => void = () => undefined;
  const stopped = new Promise<never>((_, reject) => {
    onAbort = () => reject(new Error('stopped'));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  stopped.catch(() => undefined);
  try {
    for (;;) {
      const next = await Promise.race([iterator.next(), stopped]);
      if (next.done) return;
      yield next.value;
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
    if (signal.aborted) void iterator.return?.()?.catch(() => undefined);
  }
}
