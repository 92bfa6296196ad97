import { useEffect, useRef, useState } from 'preact/hooks';
import { api, download } from '../api/client.ts';
import type { Artifact, ArtifactList, Phase, RunView, StepView, TriggerResult } from '../api/types.ts';
import { byteSize, duration, localTime, relativeTime } from '../format.ts';
import { Link, navigate } from '../router.tsx';
import { useCan } from '../session.tsx';
import { ConfirmButton, ErrorNotice, Loading, Status } from '../ui/components.tsx';
import { type StepText, useRunStream } from '../ui/useRunStream.ts';

const PHASES: Array<{ phase: Phase; title: string }> = [
  { phase: 'pre', title: 'Pre-hooks' },
  { phase: 'task', title: 'Tasks' },
  { phase: 'post', title: 'Post-hooks' },
  { phase: 'notify', title: 'Notify' },
];

/** A run drawn as its flow (pre-hooks → tasks → post-hooks → notify), following it live. */
export function RunPage(props: { runId: string }) {
  const { run, setRun, error, texts, follow, connected } = useRunStream(props.runId);
  const can = useCan();
  const [actionError, setActionError] = useState<unknown>(null);
  const now = useTicker(run?.status !== 'finished');

  useEffect(() => {
    document.title = `Run ${props.runId} · Hookline`;
  }, [props.runId]);

  if (error && !run) return <ErrorNotice error={error} />;
  if (!run) return <Loading what="the run" />;
  const hookHref = `/hooks/${encodeURIComponent(run.hookGroupId)}/${encodeURIComponent(run.hookId)}`;
  const took =
    run.startedAt && (run.finishedAt || run.status === 'running')
      ? duration(Math.max(0, (run.finishedAt ? Date.parse(run.finishedAt) : now) - Date.parse(run.startedAt)))
      : '';
  return (
    <>
      <nav aria-label="Breadcrumb" class="crumbs">
        <Link href="/runs">Runs</Link> / <Link href={hookHref}>{`${run.hookGroupId}/${run.hookId}`}</Link>
      </nav>
      <div class="page-head">
        <div>
          <h1>
            Run <span class="mono">{run.runId}</span>
          </h1>
          <p class="muted">
            Fired by {run.firedBy}{' '}
            <span title={localTime(run.createdAt)}>{relativeTime(run.createdAt, now)}</span>
            {took ? ` · took ${took}` : ''}
            {run.rerunOf ? (
              <>
                {' '}
                · rerun of <Link href={`/runs/${run.rerunOf}`}>{run.rerunOf}</Link>
              </>
            ) : null}
          </p>
        </div>
        <div class="run-state" aria-live="polite">
          <Status value={run.result ?? run.status} prefix="Run" />
          {run.status !== 'finished' ? (
            <span class="small muted">{connected ? 'following live' : 'connecting…'}</span>
          ) : null}
        </div>
        <div class="row">
          {run.status !== 'finished' && can(`hooks:cancel-run:${run.hookGroupId}/${run.hookId}`) ? (
            <ConfirmButton
              label="Cancel run"
              tone="danger"
              question="Cancel this run? The running step is stopped; the steps not started are skipped."
              onConfirm={async () => {
                setActionError(null);
                try {
                  const answer = await api<RunView>('POST', `/runs/${run.runId}/cancel`);
                  // The stream may already have shown the cancel (it can end the run before this answer
                  // arrives): a finished run is never replaced by the answer's older view.
                  setRun((shown) => (shown?.status === 'finished' ? shown : answer));
                } catch (e) {
                  setActionError(e);
                }
              }}
            />
          ) : null}
          {run.status === 'finished' && can(`hooks:trigger-hook:${run.hookGroupId}/${run.hookId}`) ? (
            <ConfirmButton
              label="Rerun"
              question="Run this job again with the same payload?"
              onConfirm={async () => {
                setActionError(null);
                try {
                  const result = await api<TriggerResult>('POST', `/runs/${run.runId}/rerun`);
                  if ('runId' in result) navigate(`/runs/${result.runId}`);
                } catch (e) {
                  setActionError(e);
                }
              }}
            />
          ) : null}
        </div>
      </div>
      <ErrorNotice error={actionError} />
      {error && run.status !== 'finished' ? (
        <div class="notice" role="status">
          Live updates are not available ({error instanceof Error ? error.message : String(error)}): reload to
          see the latest state.
        </div>
      ) : null}
      {run.error ? (
        <div class="notice notice-bad" role="alert">
          {run.error.message}
        </div>
      ) : null}
      <ol class="flow" aria-label="Run flow">
        {PHASES.map(({ phase, title }) => {
          const steps = run.steps.filter((s) => s.phase === phase);
          if (steps.length === 0) return null;
          return (
            <li class="phase" key={phase} aria-label={title}>
              <h2>{title}</h2>
              <ol class="steps">
                {steps.map((step) => (
                  <StepCard
                    key={step.index}
                    runId={run.runId}
                    step={step}
                    text={texts[step.index]}
                    now={now}
                    onOpen={() => follow(step.index)}
                  />
                ))}
              </ol>
            </li>
          );
        })}
      </ol>
      {can(`hooks:get-artifact:${run.hookGroupId}/${run.hookId}`) ? (
        <Artifacts runId={run.runId} finishedSteps={run.steps.filter((s) => s.finishedAt).length} />
      ) : null}
    </>
  );
}

/** The files the run's steps kept (GET /runs/{runId}/artifacts), each a download; re-read as steps finish. */
function Artifacts(props: { runId: string; finishedSteps: number }) {
  const [artifacts, setArtifacts] = useState<Artifact[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    const controller = new AbortController();
    api<ArtifactList>('GET', `/runs/${props.runId}/artifacts`, undefined, { signal: controller.signal })
      .then((list) => setArtifacts(list.artifacts))
      .catch((e) => controller.signal.aborted || setError(e));
    return () => controller.abort();
  }, [props.runId, props.finishedSteps]);
  if (error) return <ErrorNotice error={error} />;
  if (!artifacts || artifacts.length === 0) return null;
  return (
    <section class="card" aria-labelledby="artifacts">
      <h2 id="artifacts">Artifacts</h2>
      <ul class="artifacts">
        {artifacts.map((a) => (
          <li key={a.name}>
            <button
              type="button"
              class="link"
              onClick={() =>
                download(`/runs/${props.runId}/artifacts/${encodeURIComponent(a.name)}`, a.name).catch(
                  setError,
                )
              }
            >
              {a.name}
            </button>{' '}
            <span class="small muted">
              {byteSize(a.size)} · {a.contentType} · from {a.stepName} ·{' '}
              <span class="mono" title={`SHA-256 ${a.sha256}`}>
                {a.sha256.slice(0, 12)}
              </span>{' '}
              · until {localTime(a.expiresAt)}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Re-renders every second while `on` (running durations); no requests. */
function useTicker(on: boolean): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!on) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [on]);
  return now;
}

function StepCard(props: {
  runId: string;
  step: StepView;
  text?: StepText;
  now: number;
  onOpen: () => void;
}) {
  const { step } = props;
  const startOpen = step.status === 'running' || step.status === 'failed' || step.status === 'timed_out';
  const [open, setOpen] = useState(startOpen);
  useEffect(() => {
    if (startOpen) setOpen(true);
  }, [startOpen]);
  useEffect(() => {
    if (open && step.status !== 'pending' && step.status !== 'skipped') props.onOpen();
  }, [open, step.status]);
  const took =
    step.durationMs ??
    (step.startedAt && step.status === 'running'
      ? Math.max(0, props.now - Date.parse(step.startedAt))
      : undefined);
  const hasOutput = step.status !== 'pending' && step.status !== 'skipped';
  return (
    <li
      class={`step step-${step.status}`}
      data-step={step.index}
      aria-label={`Step ${step.name}: ${step.status}`}
    >
      <div class="step-head">
        <Status value={step.status} />
        <span class="step-name">{step.name}</span>
        <span class="muted small">{duration(took)}</span>
      </div>
      <div class="step-facts small">
        {step.exitCode !== undefined && step.exitCode !== null ? (
          <span>exit code {step.exitCode}</span>
        ) : null}
        {step.attempts && step.attempts > 1 ? <span>{step.attempts} attempts</span> : null}
        {step.reason ? <span class="reason">{step.reason}</span> : null}
        {step.error ? <span class="reason">{step.error.message}</span> : null}
      </div>
      {hasOutput ? (
        <details open={open} onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}>
          <summary>Output</summary>
          <OutputPane text={props.text} fallback={step.output} live={step.status === 'running'} />
        </details>
      ) : null}
    </li>
  );
}

/** The output; scrolls with new text unless the reader has scrolled up. */
function OutputPane(props: { text?: StepText; fallback?: StepView['output']; live: boolean }) {
  const ref = useRef<HTMLPreElement>(null);
  const stick = useRef(true);
  const stdout = props.text?.stdout ?? props.fallback?.stdout ?? '';
  const stderr = props.text?.stderr ?? props.fallback?.stderr ?? '';
  const body = props.text?.body ?? props.fallback?.body;
  useEffect(() => {
    const el = ref.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [stdout, stderr, body]);
  const empty = !stdout && !stderr && body === undefined;
  return (
    <pre
      ref={ref}
      class="output"
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard
      tabIndex={0}
      title="Step output"
      onScroll={(e) => {
        const el = e.currentTarget;
        stick.current = el.scrollTop + el.clientHeight >= el.scrollHeight - 8;
      }}
    >
      {empty ? <span class="muted">{props.live ? 'waiting for output…' : 'no output'}</span> : null}
      {stdout}
      {stderr ? <span class="stderr">{stderr}</span> : null}
      {body !== undefined ? body : null}
    </pre>
  );
}
