import { DEFAULT_ARTIFACT_MAX_BYTES } from '../core/artifacts.ts';
import type { ArtifactStore } from '../ports/artifactStore.ts';
import { MAX_STEP_TIMEOUT_SECONDS } from '../core/job.ts';
import { DEFAULT_STREAM_LIMIT_BYTES } from '../core/outputBounds.ts';
import type { Bus } from '../ports/bus.ts';
import type { Clock } from '../ports/clock.ts';
import type { CommandRunner } from '../ports/commandRunner.ts';
import type { ConcurrencyStore } from '../ports/concurrencyStore.ts';
import type { Executions } from '../ports/executions.ts';
import type { HookTypeStore } from '../ports/hookTypeStore.ts';
import type { Invoker } from '../ports/invoker.ts';
import type { Logger } from '../ports/logger.ts';
import type { RunChanges } from '../ports/runChanges.ts';
import type { StepActions } from '../ports/stepActions.ts';
import type { Store } from '../ports/store.ts';
import type { TriggerSync } from '../ports/triggerSync.ts';

/** Behaviour knobs shared by both modes; defaults below. */
export interface ServiceSettings {
  /** How long fire, run and step records live (seconds); DynamoDB TTL in the cloud, a sweeper locally. */
  retentionSeconds: number;
  /** Idempotency keys are remembered this long (seconds). */
  idempotencyWindowSeconds: number;
  /** Chains of hooks firing each other through lifecycle events stop at this depth. */
  maxEventChainDepth: number;
  /** How often a running step looks for a cancel request or the run's deadline (ms). */
  stopPollMs: number;
  /** Bytes kept per output stream (head and tail). */
  outputLimitBytes: number;
  /** Each artifact file at most this large (functions/core/artifacts.ts). */
  artifactMaxBytes: number;
  /**
   * How long one invocation of the step function may run (seconds): the step Lambda's timeout in
   * the cloud (infra/hookline/functions.ts), the same budget per step locally. Every step must fit
   * in it (functions/core/stepBudget.ts).
   */
  stepFunctionTimeoutSeconds: number;
  /** How a running step's output is persisted as it arrives (functions/app/liveOutput.ts). */
  liveOutput: { intervalMs: number; flushBytes: number };
  /** `GET /runs/{runId}/events` streams (functions/api/routes/runEvents.ts). */
  eventStreams: {
    /** How often a stream re-reads the run where no change notifier exists (the cloud). */
    pollMs: number;
    /** A stream ends after this long; the client reconnects with Last-Event-ID and loses nothing. */
    maxLifeMs: number;
    /** End the response once new events were sent (behind a proxy that buffers whole responses). */
    endAfterNewEvents: boolean;
    /** Streams one client may hold open at once (per process). */
    maxPerClient: number;
  };
}

export const DEFAULT_SETTINGS: ServiceSettings = {
  retentionSeconds: 90 * 24 * 3600,
  idempotencyWindowSeconds: 24 * 3600,
  maxEventChainDepth: 5,
  stopPollMs: 1000,
  outputLimitBytes: DEFAULT_STREAM_LIMIT_BYTES,
  artifactMaxBytes: DEFAULT_ARTIFACT_MAX_BYTES,
  // Lambda's longest invocation, the most a step may take (functions/core/job.ts).
  stepFunctionTimeoutSeconds: MAX_STEP_TIMEOUT_SECONDS,
  // Locally output is stored as it is read; the cloud overrides with CLOUD_STREAMING_SETTINGS.
  liveOutput: { intervalMs: 0, flushBytes: 16 * 1024 },
  eventStreams: { pollMs: 1000, maxLifeMs: 15 * 60_000, endAfterNewEvents: false, maxPerClient: 16 },
};

/**
 * The cloud: a running step's output is written at least every 2 s or 16 KiB (DynamoDB writes cost),
 * and API Gateway buffers a Lambda's whole response and cuts it at 29 s, so an events request answers
 * as soon as it has something new (or after 25 s) and the client reconnects with Last-Event-ID.
 */
export const CLOUD_STREAMING_SETTINGS: Pick<ServiceSettings, 'liveOutput' | 'eventStreams'> = {
  liveOutput: { intervalMs: 2000, flushBytes: 16 * 1024 },
  eventStreams: { pollMs: 1000, maxLifeMs: 25_000, endAfterNewEvents: true, maxPerClient: 16 },
};

/** Everything the use cases need, behind ports: the adapters differ between cloud and local, the code does not. */
export interface Services {
  store: Store;
  /** Per-hook semaphores and queues (concurrency policies). */
  concurrency: ConcurrencyStore;
  /** Hook types (Razor-style reusable definitions with a config schema). */
  hookTypes: HookTypeStore;
  executions: Executions;
  bus: Bus;
  invoker: Invoker;
  /** Runs `command` steps away from Hookline's credentials (a child process locally, the command-runner function in the cloud). */
  commands: CommandRunner;
  /**
   * What each kind of step does (command, http, lambda, event): the runners of functions/runners/
   * behind the port functions/ports/stepActions.ts, so functions/app/runStep.ts imports none.
   */
  stepActions: StepActions;
  /**
   * The variables every command starts from (PATH, HOME, LANG, TZ, USER, SHELL and the names the
   * operator passes), picked by the stack from its own environment (`functions/app/commandEnvironment.ts`).
   */
  commandEnvironment: Readonly<Record<string, string>>;
  clock: Clock;
  logger: Logger;
  settings: ServiceSettings;
  /** Rules and schedules that fire hooks (EventBridge in the cloud; caches locally). */
  triggers?: TriggerSync;
  /** Tells open event streams at once when a run, its steps or its output change (locally); absent, they poll. */
  runChanges?: RunChanges;
  /** Where step artifacts are kept (locally a directory); absent, a step declaring artifacts fails saying so. */
  artifacts?: ArtifactStore;
  /** Service secrets: the key trigger tokens are derived from. Never logged. */
  secrets: { tokenKey: Buffer };
}
