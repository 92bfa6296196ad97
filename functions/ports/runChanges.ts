/**
 * Change notification for runs: who writes a run, one of its steps or a step's output says so, and
 * whoever watches that run (an open `GET /runs/{runId}/events` stream) reads it again at once. Only
 * a hint — the watcher reads the durable state — so a missed notification delays, never loses, an event.
 * Locally an in-process notifier (functions/adapters/local/runChangeNotifier.ts); the cloud has none
 * (the writers are other Lambda functions) and the streams poll.
 */
export interface RunChanges {
  /** Calls `listener` after each change of the run; returns the unsubscribe function. */
  watch(runId: string, listener: () => void): () => void;
}
