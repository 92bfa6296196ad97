import { describe, expect, it } from 'vitest';
import type { BindingRouter } from '../../../../functions/app/bindingRouter.ts';
import { LocalTriggerSync } from '../../../../functions/adapters/local/localTriggerSync.ts';
import type { LocalScheduler } from '../../../../functions/adapters/local/localScheduler.ts';
import type { HookDefinition } from '../../../../functions/core/hookDefinition.ts';

/** The TriggerSync port locally (functions/adapters/local/localTriggerSync.ts): it refreshes the caches. */
describe('LocalTriggerSync', () => {
  it('a sync refreshes the router and the scheduler; a removal removes the hook from both', async () => {
    const calls: string[] = [];
    const router = {
      hookChanged: (d: HookDefinition) => calls.push(`router changed ${d.hookGroupId}/${d.hookId}`),
      hookRemoved: (g: string, h: string) => calls.push(`router removed ${g}/${h}`),
    } as unknown as BindingRouter;
    const scheduler = {
      hookChanged: async (d: HookDefinition) =>
        void calls.push(`scheduler changed ${d.hookGroupId}/${d.hookId}`),
      hookRemoved: (g: string, h: string) => calls.push(`scheduler removed ${g}/${h}`),
    } as unknown as LocalScheduler;
    const sync = new LocalTriggerSync(router, scheduler);
    await sync.sync({ hookGroupId: 'g', hookId: 'h' } as HookDefinition);
    await sync.remove('g', 'h');
    expect(calls).toEqual([
      'router changed g/h',
      'scheduler changed g/h',
      'router removed g/h',
      'scheduler removed g/h',
    ]);
  });
});
