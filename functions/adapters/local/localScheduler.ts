import { type HandledFire, handleFire } from '../../app/handleFire.ts';
import { DEFAULT_LATE_AFTER_MS, planDue, scheduleSignature } from '../../app/scheduler.ts';
import type { Services } from '../../app/services.ts';
import type { HookDefinition } from '../../core/hookDefinition.ts';
import { hookKey } from '../../core/ids.ts';
import { type HookSchedules, hookSchedules, nextOccurrence } from '../../core/schedule/hookSchedules.ts';
import type { HookRecord } from '../../ports/store.ts';
import { DueQueue } from './dueQueue.ts';

/**
 * The local stand-in for EventBridge Scheduler: one timer for every stored hook's schedules.
 *
 * - Each hook's next occurrence (core/schedule/hookSchedules.ts) sits in a min-heap (./dueQueue.ts);
 *   the one timer sleeps until the earliest of them and is re-armed when a hook changes, so idle hooks
 *   cost nothing: no pass looks at a hook before it is due. The sleep is capped at `tickMs`, so an
 *   injected clock that jumps (tests) or a wall clock that moved is noticed within it; a wake-up with
 *   nothing due only looks at the heap's top.
 * - A due occurrence is handed to app/handleFire.ts, the fire path the cloud's fire function runs:
 *   `now` is the scheduled time and the run id is derived from (hook, scheduled time), so an
 *   occurrence fired twice (a retry, a restart between the fire and the bookkeeping) still starts one run.
 * - Each hook's watermark (`lastScheduledAt`, the latest occurrence handled) is stored after the
 *   occurrences are fired, so a restart picks up where the last run stopped; what was missed while the
 *   stack was down follows the hook's `catchUp` policy (app/scheduler.ts) and is counted in
 *   `missedOccurrences`.
 * - Time comes from the injected Clock only (a failed hook is retried RETRY_AFTER_MS later by it);
 *   real time is used for nothing but the timer.
 */
export interface LocalSchedulerOptions {
  /** The longest sleep between two looks at the clock (ms), whatever is due. Default 30 s. */
  tickMs?: number;
  /** Occurrences overdue by more than this are missed (see app/scheduler.ts). Default 60 s. */
  lateAfterMs?: number;
  /** Hooks handled at the same time in one pass. Default 16. */
  concurrency?: number;
  /** Told about every fire (benchmarks, tests). */
  onFire?: (fire: ScheduledFire) => void;
}

export interface ScheduledFire {
  hookGroupId: string;
  hookId: string;
  scheduledTime: Date;
  /** The clock when the fire returned (the run was created and started, or the fire was declined). */
  firedAt: Date;
  outcome: HandledFire;
}

interface Entry {
  hookGroupId: string;
  hookId: string;
  signature: string;
  schedules: HookSchedules;
  watermark: Date;
  nextDue?: Date;
  /** When (clock ms) the scheduler next looks at the hook: its next due time, or a retry after a failure. */
  wakeAt?: number;
}

const RETRY_AFTER_MS = 2000;
const DEFAULT_TICK_MS = 30_000;

export class LocalScheduler {
  private readonly entries = new Map<string, Entry>();
  /** The entries by wakeAt; an item whose entry was replaced or re-timed is stale and skipped. */
  private readonly queue = new DueQueue<Entry>();
  private readonly tickMs: number;
  private readonly lateAfterMs: number;
  private readonly concurrency: number;
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  private running = false;
  private started: Date | undefined;

  constructor(
    private readonly services: Services,
    private readonly options: LocalSchedulerOptions = {},
  ) {
    this.tickMs = options.tickMs ?? DEFAULT_TICK_MS;
    this.lateAfterMs = options.lateAfterMs ?? DEFAULT_LATE_AFTER_MS;
    this.concurrency = Math.max(1, options.concurrency ?? 16);
  }

  /** When the scheduler started: occurrences before it were missed (the stack was down). */
  get startedAt(): Date | undefined {
    return this.started;
  }

  /** Loads every stored hook and starts the loop; the first pass (the catch-up) begins at once. */
  async start(): Promise<void> {
    if (this.running) return;
    this.started = this.services.clock.now();
    for (const record of await this.services.store.listAllHooks()) this.track(record, undefined);
    this.running = true;
    this.arm();
  }

  /** Stops the loop and waits for a pass in progress. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.chain;
  }

  /** One pass now: fires everything due (tests call it to wait for the scheduler). */
  runDue(): Promise<void> {
    const pass = this.chain.then(() => this.pass());
    this.chain = pass.catch((error: Error) =>
      this.services.logger.error('scheduler pass failed', { error: error.message }),
    );
    return pass;
  }

  /** The hook was created or changed: a change to its schedules restarts its watermark at now. */
  async hookChanged(definition: HookDefinition): Promise<void> {
    const key = hookKey(definition.hookGroupId, definition.hookId);
    const record = await this.services.store.getHook(definition.hookGroupId, definition.hookId);
    if (!record) {
      this.entries.delete(key);
      return;
    }
    const previous = this.entries.get(key);
    let restartAt: Date | undefined;
    if (previous && previous.signature !== scheduleSignature(record.definition)) {
      restartAt = this.services.clock.now();
      await this.storeProgress(record.definition.hookGroupId, record.definition.hookId, restartAt, 0);
    }
    this.track(record, restartAt);
    this.arm();
  }

  /** Forgets the hook; its item in the queue goes stale and is dropped when it surfaces. */
  hookRemoved(hookGroupId: string, hookId: string): void {
    this.entries.delete(hookKey(hookGroupId, hookId));
  }

  /** The next occurrence the scheduler will fire for the hook (tests, status). */
  nextDue(hookGroupId: string, hookId: string): Date | undefined {
    return this.entries.get(hookKey(hookGroupId, hookId))?.nextDue;
  }

  private track(record: HookRecord, restartAt: Date | undefined): void {
    const { definition } = record;
    const created = new Date(record.createdAt);
    const stored = record.lastScheduledAt ? new Date(record.lastScheduledAt) : created;
    const watermark = restartAt && restartAt > stored ? restartAt : stored;
    const schedules = hookSchedules(definition, created);
    const entry: Entry = {
      hookGroupId: definition.hookGroupId,
      hookId: definition.hookId,
      signature: scheduleSignature(definition),
      schedules,
      watermark,
    };
    this.entries.set(hookKey(definition.hookGroupId, definition.hookId), entry);
    this.dueAt(entry, nextOccurrence(schedules, watermark));
  }

  /** Sets the entry's next occurrence and queues it for then. */
  private dueAt(entry: Entry, nextDue: Date | undefined): void {
    entry.nextDue = nextDue;
    this.wakeAt(entry, nextDue?.getTime());
  }

  /** Queues the entry for `time` (clock ms); undefined: never (the hook's schedules are over). */
  private wakeAt(entry: Entry, time: number | undefined): void {
    entry.wakeAt = time;
    if (time === undefined) return;
    this.queue.push(time, entry);
    // Stale items pile up only as fast as hooks change; rebuild when they outnumber the live ones.
    if (this.queue.size > 2 * this.entries.size + 64) {
      this.queue.clear();
      for (const live of this.entries.values()) {
        if (live.wakeAt !== undefined) this.queue.push(live.wakeAt, live);
      }
    }
  }

  /** Whether a queue item is the current wake-up of a tracked hook. */
  private isCurrent(item: { time: number; item: Entry }): boolean {
    const entry = item.item;
    return entry.wakeAt === item.time && this.entries.get(hookKey(entry.hookGroupId, entry.hookId)) === entry;
  }

  /** The earliest current wake-up, dropping stale items on the way. */
  private earliest(): { time: number; item: Entry } | undefined {
    for (let top = this.queue.peek(); top; top = this.queue.peek()) {
      if (this.isCurrent(top)) return top;
      this.queue.pop();
    }
    return undefined;
  }

  /** One timer: sleeps until the earliest wake-up, at most tickMs, then runs a pass and re-arms. */
  private arm(): void {
    if (!this.running) return;
    clearTimeout(this.timer);
    const next = this.earliest();
    const delay =
      next === undefined
        ? this.tickMs
        : Math.min(this.tickMs, Math.max(0, next.time - this.services.clock.now().getTime()));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.runDue().finally(() => this.arm());
    }, delay);
    this.timer.unref();
  }

  /** Takes the entries due at `now` off the queue (each once); handling them queues their next time. */
  private takeDue(now: Date): Entry[] {
    const due: Entry[] = [];
    for (let next = this.earliest(); next && next.time <= now.getTime(); next = this.earliest()) {
      this.queue.pop();
      next.item.wakeAt = undefined; // off the queue until handling it queues its next time
      due.push(next.item);
    }
    return due;
  }

  private async pass(): Promise<void> {
    const now = this.services.clock.now();
    const startedAt = this.started ?? now;
    const due = this.takeDue(now);
    let next = 0;
    const worker = async () => {
      while (next < due.length) {
        const entry = due[next++]!;
        await this.handle(entry, now, startedAt);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, due.length) }, worker));
  }

  private async handle(entry: Entry, now: Date, startedAt: Date): Promise<void> {
    const { hookGroupId, hookId } = entry;
    const key = hookKey(hookGroupId, hookId);
    try {
      const record = await this.services.store.getHook(hookGroupId, hookId);
      if (!record) {
        if (this.entries.get(key) === entry) this.entries.delete(key);
        return;
      }
      const plan = planDue({
        hook: entry.schedules,
        catchUp: record.definition.catchUp,
        watermark: entry.watermark,
        now,
        startedAt,
        lateAfterMs: this.lateAfterMs,
      });
      if (plan.missed > 0) {
        this.services.logger.warn('missed schedule occurrences', {
          hookGroupId,
          hookId,
          missed: plan.missed,
          catchUp: record.definition.catchUp,
        });
      }
      for (const scheduledTime of plan.fire) {
        // The same hand-over as the cloud's fire function (app/handleFire.ts); a store or engine failure
        // throws and the whole plan is tried again later (fires already made are duplicates then).
        const outcome = await handleFire(this.services, {
          kind: 'schedule',
          hookGroupId,
          hookId,
          scheduledTime,
        });
        this.options.onFire?.({
          hookGroupId,
          hookId,
          scheduledTime,
          firedAt: this.services.clock.now(),
          outcome,
        });
        if (outcome.kind === 'gone') {
          if (this.entries.get(key) === entry) this.entries.delete(key);
          return;
        }
      }
      if (plan.handledUpTo || plan.missed > 0) {
        await this.storeProgress(hookGroupId, hookId, plan.handledUpTo, plan.missed);
      }
      // The hook may have been changed (and re-tracked) meanwhile: move whichever entry is current.
      const current = this.entries.get(key);
      if (!current) return;
      if (plan.handledUpTo && plan.handledUpTo > current.watermark) current.watermark = plan.handledUpTo;
      const after = current.watermark > now ? current.watermark : now;
      this.dueAt(current, plan.more ? now : nextOccurrence(current.schedules, after));
    } catch (error) {
      // The store or the engine failed: nothing was recorded as handled, so the whole plan is tried
      // again later (fires already made are duplicates then, and start nothing).
      if (this.entries.get(key) === entry) this.wakeAt(entry, now.getTime() + RETRY_AFTER_MS);
      this.services.logger.error('scheduled fire failed; will retry', {
        hookGroupId,
        hookId,
        error: (error as Error).message,
      });
    }
  }

  /**
   * Stores the watermark (the store never moves it back) and adds to the missed count: a bookkeeping
   * update that leaves the hook's version alone, so it never conflicts with a user's edit.
   */
  private async storeProgress(
    hookGroupId: string,
    hookId: string,
    handledUpTo: Date | undefined,
    missed: number,
  ): Promise<void> {
    if (!handledUpTo && missed === 0) return;
    await this.services.store.updateHookBookkeeping(hookGroupId, hookId, {
      ...(handledUpTo ? { lastScheduledAt: handledUpTo.toISOString() } : {}),
      ...(missed > 0 ? { addMissedOccurrences: missed } : {}),
    });
  }
}
