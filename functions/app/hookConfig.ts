import { configChangeProblem } from '../core/hookType.ts';
import type { ConfigChange } from '../ports/stepActions.ts';
import type { HookRecord } from '../ports/store.ts';
import { retryOnConflict, VersionConflict } from './retryOnConflict.ts';
import { grantsRunCommands } from './runCommandsRight.ts';
import type { Services } from './services.ts';

/**
 * Applies a step's `hook.config` update/remove to the hook's stored config with a version check,
 * so two runs changing the config at once never lose each other's changes.
 * Returns an error message when the change is refused. A client's change (`by.scopes`) without
 * `hooks:run-commands` takes the hook's right to run commands away: config is template input, like
 * the template itself (functions/app/runCommandsRight.ts). A step's change keeps the right.
 */
export type ConfigChangeCheck = (
  config: Record<string, unknown>,
  change: ConfigChange,
  hookType?: string,
) => Promise<string | undefined>;

export async function applyConfigChange(
  services: Services,
  hookGroupId: string,
  hookId: string,
  change: ConfigChange,
  by: { runId?: string; clientId?: string; scopes?: readonly string[] },
  check?: ConfigChangeCheck,
): Promise<string | undefined> {
  let outcome: { refused: string } | { updated: HookRecord };
  try {
    outcome = await retryOnConflict(`the config of hook ${hookGroupId}/${hookId}`, async () => {
      const hook = await services.store.getHook(hookGroupId, hookId);
      if (!hook) return { refused: 'the hook no longer exists' };
      const before = hook.definition.config ?? {};
      const type = hook.definition.hookType
        ? await services.hookTypes.getHookType(hook.definition.hookType)
        : undefined;
      const refused = type
        ? configChangeProblem(type, change.update, change.remove)
        : check
          ? await check(before, change, hook.definition.hookType)
          : undefined;
      if (refused) return { refused };
      const after: Record<string, unknown> = { ...before, ...(change.update ?? {}) };
      for (const key of change.remove ?? []) delete after[key];
      const keepsRight = by.scopes === undefined || grantsRunCommands(by.scopes, hookGroupId, hookId);
      const updated: HookRecord = {
        ...hook,
        ...(keepsRight ? {} : { runCommands: false }),
        definition: { ...hook.definition, config: after },
        version: hook.version + 1,
        configVersion: hook.configVersion + 1,
        updatedAt: services.clock.now().toISOString(),
      };
      await services.store.replaceHook(updated, hook.version);
      return { updated };
    });
  } catch (error) {
    // A step's config change is the step's outcome, not an API error: say why it was not applied.
    if (error instanceof VersionConflict) return `${error.message}; the change was not applied`;
    throw error;
  }
  if ('refused' in outcome) return outcome.refused;
  await services.store.putAudit({
    hookGroupId,
    hookId,
    time: outcome.updated.updatedAt,
    action: 'config-change',
    runId: by.runId,
    clientId: by.clientId,
    changes: { update: change.update, remove: change.remove },
  });
  return undefined;
}
