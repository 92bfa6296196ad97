import type { HookType } from '../core/hookType.ts';

/** Hook types, stored next to the hooks. */
export interface HookTypeStore {
  getHookType(name: string): Promise<HookType | undefined>;
  putHookType(type: HookType): Promise<void>;
  deleteHookType(name: string): Promise<void>;
  listHookTypes(): Promise<HookType[]>;
}
