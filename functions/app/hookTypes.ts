import { conflict, inputError, notFound } from '../core/errors.ts';
import { HOOK_TYPE_NAME_PATTERN, type HookType, hookTypeSchema } from '../core/hookType.ts';
import { parseOrThrow } from '../core/validation.ts';
import type { Services } from './services.ts';

/** Managing hook types (the API's use cases; `<name>.hook/` folders are read by functions/adapters/local/hookTypeDirectory.ts). */

export function checkTypeName(name: string): void {
  if (!HOOK_TYPE_NAME_PATTERN.test(name))
    throw inputError(`hook type name "${name.slice(0, 100)}" must match ^[a-zA-Z0-9-_]{1,100}$`);
}

export async function getHookType(services: Services, name: string): Promise<HookType> {
  checkTypeName(name);
  const type = await services.hookTypes.getHookType(name);
  if (!type) throw notFound(`hook type ${name} does not exist`);
  return type;
}

/** `scriptFolder` only from the operator's `--hook-types` folder (functions/adapters/local/hookTypeDirectory.ts), never from the API. */
export async function putHookType(
  services: Services,
  name: string,
  body: unknown,
  scriptFolder?: string,
): Promise<HookType> {
  checkTypeName(name);
  const parsed = parseOrThrow(hookTypeSchema, body, 'hook type');
  const type: HookType = { ...parsed, name, ...(scriptFolder ? { scriptFolder } : {}) };
  await services.hookTypes.putHookType(type);
  services.logger.info('hook type stored', { hookType: name });
  return type;
}

export async function deleteHookType(services: Services, name: string): Promise<void> {
  await getHookType(services, name);
  const users = (await services.store.listAllHooks()).filter((h) => h.definition.hookType === name);
  if (users.length > 0) {
    const names = users.slice(0, 5).map((h) => `${h.definition.hookGroupId}/${h.definition.hookId}`);
    throw conflict(
      `hook type ${name} is used by ${users.length} hook(s) (${names.join(', ')}); remove them first`,
    );
  }
  await services.hookTypes.deleteHookType(name);
}
