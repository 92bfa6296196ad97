import { BindingRouter } from './bindingRouter.ts';
import type { DeliveredEvent } from '../ports/bus.ts';
import { LIFECYCLE_SOURCE } from './lifecycleEvents.ts';
import type { Services } from './services.ts';

/**
 * The bindings of every stored hook, as the cloud's fire function sees them: one BindingRouter built from
 * the store and kept for a short while per Lambda container, so an event is matched without a read.
 *
 * - It is rebuilt (one query of the hook items) when older than `maxAgeMs`, and at once after this
 *   container saw a `Hook Created/Updated/Deleted` lifecycle event (they arrive on the same bus rule).
 *   Other containers see a change within `maxAgeMs`: that is how long a new or changed binding may take
 *   to fire its hook in the cloud (README, "Bindings in the cloud").
 * - A stale cache never fires a hook wrongly: every matched hook is read fresh and fires only if one of
 *   its current bindings matches (app/handleFire.ts, `recheckBindings`).
 */
export const DEFAULT_BINDINGS_MAX_AGE_MS = 30_000;

const HOOK_CHANGES = new Set(['Hook Created', 'Hook Updated', 'Hook Deleted']);

export class StoredBindings {
  private router: BindingRouter | undefined;
  private loadedAt = 0;
  private loading: Promise<BindingRouter> | undefined;

  constructor(
    private readonly services: Services,
    private readonly maxAgeMs = DEFAULT_BINDINGS_MAX_AGE_MS,
  ) {}

  /** Number of store reads made to (re)build the cache (tests, logs). */
  loads = 0;

  /** The router over the current bindings, rebuilt when stale. */
  async current(): Promise<BindingRouter> {
    const now = this.services.clock.now().getTime();
    if (this.router && now - this.loadedAt < this.maxAgeMs) return this.router;
    this.loading ??= this.load(now).finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  /** Whether the event says a hook changed (the cache is then dropped before the event is routed). */
  noteEvent(event: DeliveredEvent): void {
    if (event.source === LIFECYCLE_SOURCE && HOOK_CHANGES.has(event['detail-type'])) this.invalidate();
  }

  invalidate(): void {
    this.router = undefined;
  }

  private async load(now: number): Promise<BindingRouter> {
    // One try per hook: a failure throws out of the fire function and Lambda redelivers the event.
    const router = new BindingRouter(this.services, { deliveryAttempts: 1 });
    await router.load();
    this.loads++;
    this.router = router;
    this.loadedAt = now;
    return router;
  }
}
