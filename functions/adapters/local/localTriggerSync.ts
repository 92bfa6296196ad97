import type { BindingRouter } from '../../app/bindingRouter.ts';
import type { HookDefinition } from '../../core/hookDefinition.ts';
import type { TriggerSync } from '../../ports/triggerSync.ts';
import type { LocalScheduler } from './localScheduler.ts';

/**
 * The TriggerSync port locally. There are no AWS rules or schedules to keep in line: the binding router
 * and the scheduler read the stored hooks, so a hook change only refreshes their caches (and a change of
 * schedules restarts the hook's schedule watermark, as a new EventBridge Scheduler schedule would).
 */
export class LocalTriggerSync implements TriggerSync {
  constructor(
    private readonly router: BindingRouter,
    private readonly scheduler: LocalScheduler,
  ) {}

  async sync(definition: HookDefinition): Promise<void> {
    this.router.hookChanged(definition);
    await this.scheduler.hookChanged(definition);
  }

  async remove(hookGroupId: string, hookId: string): Promise<void> {
    this.router.hookRemoved(hookGroupId, hookId);
    this.scheduler.hookRemoved(hookGroupId, hookId);
  }
}
