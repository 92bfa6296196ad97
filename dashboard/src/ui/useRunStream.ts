import { useEffect, useRef, useState } from 'preact/hooks';
import { API_BASE, api, query } from '../api/client.ts';
import type { EventTicket, LiveStepOutput, OutputEvent, RunView, StepView } from '../api/types.ts';

/** A step's output as far as it has arrived. */
export interface StepText {
  stdout: string;
  stderr: string;
  body?: string;
}

/** Waits between reconnections of a broken event stream (doubling up to the last). */
const RECONNECT_DELAYS_MS = [500, 1000, 2000, 5000, 10_000, 30_000];

/** Text that starts at `offset` added to what is known; 'gap' when text before `offset` is missing. */
export function mergeText(known: string, offset: number, text: string): string | 'gap' {
  if (offset > known.length) return 'gap';
  if (offset + text.length <= known.length) return known;
  return known + text.slice(known.length - offset);
}

const isTerminal = (step: StepView) => !['pending', 'running'].includes(step.status);

/**
 * Follows a run: one snapshot (GET /runs/{runId}), then — while it is not finished — its event stream
 * (GET /runs/{runId}/events with a ticket, since EventSource cannot send headers). `run` and `step`
 * events replace what is shown; `output` events append to a step's text by offset, so a repeated piece
 * (after a reconnection) is not shown twice and a missing piece is fetched once from the output
 * endpoint. A step's output is read once when it is first opened; nothing polls.
 */
export function useRunStream(runId: string) {
  const [run, setRun] = useState<RunView | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [texts, setTexts] = useState<Record<number, StepText>>({});
  const [connected, setConnected] = useState(false);
  const textsRef = useRef(texts);
  textsRef.current = texts;
  /** Steps whose output is followed (read once, then kept up to date). */
  const followed = useRef(new Set<number>());
  const alive = useRef(true);

  const readOutput = async (index: number) => {
    const known = textsRef.current[index] ?? { stdout: '', stderr: '' };
    const out = await api<LiveStepOutput>(
      'GET',
      `/runs/${runId}/steps/${index}/output${query({ stdoutOffset: known.stdout.length || undefined, stderrOffset: known.stderr.length || undefined })}`,
    );
    if (!alive.current) return;
    setTexts((old) => {
      const current = old[index] ?? { stdout: '', stderr: '' };
      // A server that answers offsets continues from where it was asked; one without answers all.
      const from = (asked: number, answered: number | undefined) => (answered === undefined ? 0 : asked);
      const stdout = mergeText(current.stdout, from(known.stdout.length, out.stdoutOffset), out.stdout ?? '');
      const stderr = mergeText(current.stderr, from(known.stderr.length, out.stderrOffset), out.stderr ?? '');
      return {
        ...old,
        [index]: {
          stdout: stdout === 'gap' ? current.stdout : stdout,
          stderr: stderr === 'gap' ? current.stderr : stderr,
          ...(out.body !== undefined ? { body: out.body } : {}),
        },
      };
    });
  };

  /** Starts showing a step's output (read once; live text then comes from the stream). */
  const follow = (index: number) => {
    if (followed.current.has(index)) return;
    followed.current.add(index);
    void readOutput(index).catch(() => followed.current.delete(index));
  };

  useEffect(() => {
    alive.current = true;
    followed.current = new Set();
    setRun(null);
    setTexts({});
    setError(null);
    let source: EventSource | undefined;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let attempts = 0;
    let finished = false;

    const applyStep = (step: StepView) => {
      setRun((old) =>
        old ? { ...old, steps: old.steps.map((s) => (s.index === step.index ? step : s)) } : old,
      );
      if (step.status === 'running') follow(step.index);
      // The last piece of a followed step that finished: read what may not have come over the stream.
      if (isTerminal(step) && followed.current.has(step.index))
        void readOutput(step.index).catch(() => undefined);
    };

    const connect = async () => {
      if (!alive.current || finished) return;
      try {
        const ticket = await api<EventTicket>('POST', `/runs/${runId}/events/ticket`);
        if (!alive.current) return;
        source = new EventSource(
          `${API_BASE}/runs/${runId}/events?token=${encodeURIComponent(ticket.token)}`,
        );
      } catch (e) {
        setError(e);
        return;
      }
      source.onopen = () => {
        attempts = 0;
        setConnected(true);
      };
      source.addEventListener('run', (event) => {
        const view = JSON.parse((event as MessageEvent<string>).data) as RunView;
        setRun(view);
        for (const step of view.steps) if (step.status === 'running') follow(step.index);
        if (view.status === 'finished') {
          finished = true;
          source?.close();
          setConnected(false);
        }
      });
      source.addEventListener('step', (event) =>
        applyStep(JSON.parse((event as MessageEvent<string>).data) as StepView),
      );
      source.addEventListener('output', (event) => {
        const piece = JSON.parse((event as MessageEvent<string>).data) as OutputEvent;
        if (!followed.current.has(piece.index)) {
          follow(piece.index);
          return;
        }
        let gap = false;
        setTexts((old) => {
          const current = old[piece.index] ?? { stdout: '', stderr: '' };
          const merged = mergeText(current[piece.stream], piece.offset, piece.text);
          if (merged === 'gap') {
            gap = true;
            return old;
          }
          return { ...old, [piece.index]: { ...current, [piece.stream]: merged } };
        });
        if (gap) void readOutput(piece.index).catch(() => undefined);
      });
      source.onerror = () => {
        // The browser would reconnect with the same (soon expired) ticket: reconnect with a new one instead.
        source?.close();
        setConnected(false);
        if (finished || !alive.current) return;
        const delay = RECONNECT_DELAYS_MS[Math.min(attempts++, RECONNECT_DELAYS_MS.length - 1)]!;
        retry = setTimeout(() => void connect(), delay);
      };
    };

    api<RunView>('GET', `/runs/${runId}`).then(
      (view) => {
        if (!alive.current) return;
        setRun(view);
        for (const step of view.steps) if (step.status === 'running') follow(step.index);
        if (view.status === 'finished') finished = true;
        else void connect();
      },
      (e: unknown) => setError(e),
    );
    return () => {
      alive.current = false;
      source?.close();
      if (retry) clearTimeout(retry);
    };
  }, [runId]);

  return { run, setRun, error, texts, follow, connected };
}
