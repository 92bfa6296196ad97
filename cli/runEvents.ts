import type { RunStatusView, StepView } from '../functions/app/runQueries.ts';
import { API_PREFIX, type ApiClient, path, readJson } from './apiClient.ts';
import { ApiError, CliError, UnreachableError } from './errors.ts';

/**
 * Following a run over `GET /runs/{runId}/events` (Server-Sent Events; API-CONTRACT §3): `run`
 * snapshots, `step` views and `output` text. A stream that ends before the run has finished (the
 * server's time limit, API Gateway's 29 s, a dropped connection) is opened again with `Last-Event-ID`,
 * which the server answers with exactly what came after it — no gap, no repeat.
 */
export type RunView = RunStatusView;
export type { StepView };

export interface OutputEvent {
  index: number;
  stream: 'stdout' | 'stderr';
  offset: number;
  text: string;
}

export interface RunEventHandlers {
  run?(run: RunView): void | Promise<void>;
  step?(step: StepView): void | Promise<void>;
  output?(output: OutputEvent): void | Promise<void>;
}

interface SseEvent {
  id?: string;
  event: string;
  data: string;
}

/** Consecutive failed connections before giving up; the wait doubles from 250 ms up to 5 s. */
const MAX_RECONNECTS = 8;

/** Resolves with the finished run. */
export async function followRun(api: ApiClient, runId: string, handlers: RunEventHandlers): Promise<RunView> {
  let lastEventId: string | undefined;
  let failures = 0;
  for (;;) {
    let progressed = false;
    // A fresh connection starts with a snapshot, which may already say finished: the replay of the
    // run's steps and output follows it, and the run event after them is the end.
    let snapshotPending = lastEventId === undefined;
    try {
      const res = await api.fetch(`${API_PREFIX}${path`/runs/${runId}/events`}`, {
        headers: {
          ...api.authHeaders(),
          accept: 'text/event-stream',
          ...(lastEventId ? { 'last-event-id': lastEventId } : {}),
        },
      });
      if (!res.ok || !res.body) {
        if (res.status !== 429 && res.status < 500) await readJson(res); // throws the API's error
        throw new ApiError(res.status, `HTTP${res.status}`, `the events stream answered ${res.status}`);
      }
      for await (const event of sseEvents(res.body)) {
        if (event.id !== undefined) lastEventId = event.id;
        progressed = true;
        const data = JSON.parse(event.data) as unknown;
        const isSnapshot = snapshotPending;
        snapshotPending = false;
        if (event.event === 'run') {
          const run = data as RunView;
          await handlers.run?.(run);
          if (run.status === 'finished' && !isSnapshot) return run;
        } else if (event.event === 'step') await handlers.step?.(data as StepView);
        else if (event.event === 'output') await handlers.output?.(data as OutputEvent);
      }
    } catch (error) {
      const retryable =
        error instanceof UnreachableError ||
        (error instanceof ApiError && (error.status === 429 || error.status >= 500)) ||
        !(error instanceof CliError); // the connection dropped mid-stream
      if (!retryable || failures >= MAX_RECONNECTS) throw asCliError(error, api);
    }
    failures = progressed ? 0 : failures + 1;
    if (failures > 0) await new Promise((ok) => setTimeout(ok, Math.min(5000, 250 * 2 ** (failures - 1))));
  }
}

function asCliError(error: unknown, api: ApiClient): Error {
  if (error instanceof CliError) return error;
  return new UnreachableError(`lost the events stream of ${api.baseUrl}: ${(error as Error).message}`);
}

/** The events of a text/event-stream body (https://html.spec.whatwg.org/#event-stream-interpretation). */
export async function* sseEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  let buffer = '';
  let current: { id?: string; event?: string; data: string[] } = { data: [] };
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let newline = buffer.search(/\r\n|\r|\n/);
    while (newline >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + (buffer.startsWith('\r\n', newline) ? 2 : 1));
      if (line === '') {
        if (current.data.length > 0)
          yield { id: current.id, event: current.event ?? 'message', data: current.data.join('\n') };
        current = { data: [] };
      } else if (!line.startsWith(':')) {
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'data') current.data.push(value);
        else if (field === 'event') current.event = value;
        else if (field === 'id') current.id = value;
      }
      newline = buffer.search(/\r\n|\r|\n/);
    }
  }
}
