import type { LambdaClient } from '@aws-sdk/client-lambda';
import { BoundedText } from '../../core/outputBounds.ts';
import type { CommandRunner } from '../../ports/commandRunner.ts';
import type { ActionOutcome, StopReason } from '../../ports/stepActions.ts';
import { parseCommandRunnerLine } from '../../runners/commandRunnerProtocol.ts';

/**
 * Commands in the cloud: the command-runner function (whose role grants nothing but its own logs),
 * invoked with InvokeWithResponseStream. Output chunks stream back as the command writes them; the
 * last line is the result (`functions/runners/commandRunnerProtocol.ts`). A runner that fails or
 * ends without a result makes the step `failed` with the reason; a failed invocation (throttled,
 * unreachable) is thrown so the engine retries the step. Cancel and timeout stop the wait and
 * close the stream; the runner kills the command when its response stream closes, and the command's
 * own timeout bounds it in any case. The chunks are kept bounded as they arrive and handed to the
 * step runner's live-output writer (functions/app/liveOutput.ts), so output shows while the step runs.
 * The Lambda client is imported on the first command (functions that run none never load it).
 */
export class LambdaCommandRunner implements CommandRunner {
  constructor(
    private readonly functionName: string,
    private client?: LambdaClient,
  ) {}

  async run(...[request, signal, observers]: Parameters<CommandRunner['run']>): Promise<ActionOutcome> {
    const { InvokeWithResponseStreamCommand, LambdaClient } = await import('@aws-sdk/client-lambda');
    this.client ??= new LambdaClient({});
    const kept = {
      stdout: new BoundedText(request.outputLimitBytes),
      stderr: new BoundedText(request.outputLimitBytes),
    };
    const current = () => ({
      stdout: kept.stdout.toString(),
      stderr: kept.stderr.toString(),
      truncated: kept.stdout.truncated || kept.stderr.truncated,
      streams: { stdout: kept.stdout.window(), stderr: kept.stderr.window() },
    });
    let pending = '';
    let result: ActionOutcome | undefined;
    let failure: string | undefined;
    const decoder = new TextDecoder();
    const take = (line: string) => {
      if (!line.trim()) return;
      const parsed = parseCommandRunnerLine(line);
      if (!parsed) failure ??= 'the command runner answered a line that is not its protocol';
      else if ('chunk' in parsed) {
        const bytes = Buffer.from(parsed.chunk.text, 'utf8');
        kept[parsed.chunk.stream].append(bytes);
        observers?.onOutput?.(current, bytes.length);
      } else result = parsed.result;
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
