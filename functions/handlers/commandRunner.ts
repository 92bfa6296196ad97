import { Writable } from 'node:stream';
import { parseOrThrow } from '../core/validation.ts';
import { runCommandProcess } from '../runners/command.ts';
import { type CommandRunnerLine, commandRunnerRequestSchema } from '../runners/commandRunnerProtocol.ts';

/**
 * The command-runner function: runs one `command` step's program (the same
 * `functions/runners/command.ts` the local stack runs) and streams its output back, then the
 * result (`functions/runners/commandRunnerProtocol.ts`). Its role grants nothing but writing its
 * own logs, so the credentials in its environment cannot reach Hookline's table, bus, secret or
 * functions; the command gets only the environment in the request. Streamed chunks stop after
 * `outputLimitBytes` a stream (the result holds head and tail).
 */
export function createCommandRunnerHandler() {
  return async (event: unknown, responseStream: Writable): Promise<void> => {
    const request = parseOrThrow(commandRunnerRequestSchema, event, 'command request');
    const write = (line: CommandRunnerLine) => responseStream.write(`${JSON.stringify(line)}\n`);
    const streamed = { stdout: 0, stderr: 0 };
    const closed = new AbortController();
    responseStream.on('close', () => closed.abort('cancelled'));
    responseStream.on('error', () => closed.abort('cancelled'));
    const result = await runCommandProcess(request, closed.signal, {
      onChunk: (chunk) => {
        const room = request.outputLimitBytes - streamed[chunk.stream];
        if (room <= 0) return;
        const text = Buffer.byteLength(chunk.text) > room ? chunk.text.slice(0, room) : chunk.text;
        streamed[chunk.stream] += Buffer.byteLength(text);
        write({ chunk: { stream: chunk.stream, text } });
      },
    });
    write({ result });
    await new Promise<void>((done) => responseStream.end(done));
  };
}

/** Lambda's response-streaming wrapper, a global of the Node.js runtime (absent elsewhere). */
type StreamingHandler = (event: unknown, responseStream: Writable, context: unknown) => Promise<void>;
const lambdaRuntime = (
  globalThis as { awslambda?: { streamifyResponse?: (fn: StreamingHandler) => unknown } }
).awslambda;

/** Outside Lambda's runtime (tests, a plain Invoke): the same lines, answered as one string. */
function bufferedHandler(run: ReturnType<typeof createCommandRunnerHandler>) {
  return async (event: unknown): Promise<string> => {
    const parts: Buffer[] = [];
    const collector = new Writable({
      write(chunk: Buffer, _encoding, done) {
        parts.push(Buffer.from(chunk));
        done();
      },
    });
    await run(event, collector);
    return Buffer.concat(parts).toString('utf8');
  };
}

export const handler =
  typeof lambdaRuntime?.streamifyResponse === 'function'
    ? lambdaRuntime.streamifyResponse(createCommandRunnerHandler())
    : bufferedHandler(createCommandRunnerHandler());
