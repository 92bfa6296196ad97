import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HookType } from '../../functions/core/hookType.ts';
import type { HookTypeStore } from '../../functions/ports/hookTypeStore.ts';
import { CONTRACT_ADAPTERS, manualClock, uniqueId } from './adapters.ts';

/** The HookTypeStore port's contract, the same for every adapter (test/contracts/adapters.ts). */
const hookType = (name: string, description = 'a type') =>
  ({
    name,
    description,
    configuration: { url: { type: 'string', required: true }, retries: { type: 'number', default: 2 } },
    task: { task: { name: 'call', command: ['curl', { $eval: 'hook.config.url' }] } },
  }) as unknown as HookType;

for (const adapter of CONTRACT_ADAPTERS) {
  describe.skipIf(adapter.skip !== undefined)(
    `HookTypeStore contract: ${adapter.name}${adapter.skip ? ` (skipped: ${adapter.skip})` : ''}`,
    () => {
      let hookTypes: HookTypeStore;
      let close: () => Promise<void>;
      beforeAll(async () => {
        const opened = await adapter.open(manualClock());
        hookTypes = opened.hookTypes;
        close = opened.close;
      });
      afterAll(async () => {
        await close?.();
      });

      it('round-trips, replaces by name, lists by name, deletes', async () => {
        const base = uniqueId('type');
        expect(await hookTypes.getHookType(base)).toBeUndefined();
        for (const suffix of ['-b', '-a', '-c']) await hookTypes.putHookType(hookType(`${base}${suffix}`));
        await hookTypes.putHookType(hookType(`${base}-b`, 'replaced'));
        expect(await hookTypes.getHookType(`${base}-b`)).toEqual(hookType(`${base}-b`, 'replaced'));
        const names = (await hookTypes.listHookTypes()).map((t) => t.name);
        expect(names.filter((n) => n.startsWith(base))).toEqual([`${base}-a`, `${base}-b`, `${base}-c`]);
        expect([...names].sort()).toEqual(names);
        await hookTypes.deleteHookType(`${base}-a`);
        await hookTypes.deleteHookType(`${base}-never`);
        expect(await hookTypes.getHookType(`${base}-a`)).toBeUndefined();
        expect((await hookTypes.listHookTypes()).filter((t) => t.name.startsWith(base))).toHaveLength(2);
      });
    },
  );
}
