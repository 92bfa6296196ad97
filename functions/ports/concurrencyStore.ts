/**
 * Per-hook concurrency (Razor serializes each hook's events): a semaphore item per hook whose
 * holders carry leases, and a FIFO queue of runs waiting for a slot. Single-item conditional
 * writes only (dynalite has no transactions).
 */
export interface SemaphoreState {
  /** runId → lease expiry (epoch ms). */
  holders: Record<string, number>;
  version: number;
}

export interface QueuedRun {
  runId: string;
  /** Sort key: enqueue time + run id, so the queue is FIFO. */
  position: string;
}

export interface ConcurrencyStore {
  getSemaphore(hookGroupId: string, hookId: string): Promise<SemaphoreState | undefined>;
  /** Writes the semaphore if its version is still `expectedVersion` (0 = absent); throws ConditionFailed otherwise. */
  putSemaphore(
    hookGroupId: string,
    hookId: string,
    state: SemaphoreState,
    expectedVersion: number,
  ): Promise<void>;
  enqueue(hookGroupId: string, hookId: string, run: QueuedRun): Promise<void>;
  /** The oldest queued runs, oldest first. */
  peekQueue(hookGroupId: string, hookId: string, limit: number): Promise<QueuedRun[]>;
  /** Removes a queued run; false when another dispatcher removed it first. */
  dequeue(hookGroupId: string, hookId: string, run: QueuedRun): Promise<boolean>;
  /**
   * The hooks that may have queued runs or held slots — an index the queue sweep reads instead of
   * every hook, so idle cost follows work. A superset is fine (forgetIfIdle trims it); a hook with a
   * queued run or a holder is never missing (enqueue and putSemaphore with holders mark it first).
   */
  listBusyHooks(): Promise<Array<{ hookGroupId: string; hookId: string }>>;
  /**
   * Drops the hook from listBusyHooks when its queue is empty and no lease is live at `nowMs`; a
   * concurrent enqueue or acquire keeps it listed (a transactional store checks and deletes in one
   * transaction).
   */
  forgetIfIdle(hookGroupId: string, hookId: string, nowMs: number): Promise<void>;
}
