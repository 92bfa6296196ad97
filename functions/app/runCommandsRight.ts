import { HooklineError } from '../core/errors.ts';
import type { Job } from '../core/job.ts';
import { planSteps } from '../core/jobFlow.ts';
import { runCommandsScope, satisfies } from '../core/scopes.ts';
import type { HookRecord } from '../ports/store.ts';
import { ROOT_CLIENT_ID } from './clients.ts';
import type { Services } from './services.ts';

/**
 * The right of a hook to run `command` steps. A hook may run them only if the client that last
 * created or updated it held `hooks:run-commands:<hookGroupId>/<hookId>`; the hook record keeps
 * that (`runCommands`). It is checked twice: at create/update when the template (the hook's, or
 * its hook type's) visibly holds a command step, and at every fire on the rendered job, because
 * a template can build steps from its payload.
 *
 * A hook of a type whose events run the operator's scripts (`--hook-types`) needs no right for them.
 *
 * A hook stored before the right existed has no `runCommands`: it keeps running commands if its
 * last create or update was by the root client or with authentication off (they hold every scope),
 * and otherwise needs an update by a client with the scope.
 */

/** Whether the caller's scopes give the hook the right. */
export function grantsRunCommands(scopes: readonly string[], hookGroupId: string, hookId: string): boolean {
  return satisfies(scopes, runCommandsScope(hookGroupId, hookId));
}

function refusal(hookGroupId: string, hookId: string, why: string): HooklineError {
  const scope = runCommandsScope(hookGroupId, hookId);
  return new HooklineError('InsufficientScopes', `${why}: that needs the scope ${scope}`, {
    requiredScopes: [scope],
    missingScopes: [scope],
  });
}

/** Whether a value, anywhere inside, has an object that reads as a command step (`name` and `command`). */
export function visiblyHoldsCommandStep(template: unknown): boolean {
  const seen: unknown[] = [template];
  while (seen.length > 0) {
    const value = seen.pop();
    if (Array.isArray(value)) seen.push(...value);
    else if (value && typeof value === 'object') {
      const object = value as Record<string, unknown>;
      if ('command' in object && 'name' in object) return true;
      seen.push(...Object.values(object));
    }
  }
  return false;
}

/** At create/update: the templates that will render this hook's jobs may not show a command step without the right. */
export function checkTemplatesMayRunCommands(
  hookGroupId: string,
  hookId: string,
  templates: readonly unknown[],
  clientId: string | undefined,
  mayRunCommands: boolean,
): void {
  if (mayRunCommands || !templates.some(visiblyHoldsCommandStep)) return;
  throw refusal(
    hookGroupId,
    hookId,
    `client ${clientId ?? '(anonymous)'} cannot give hook ${hookGroupId}/${hookId} a template with a command step`,
  );
}

/** At fire: a rendered job with a command step runs only for a hook with the right. */
export async function checkJobMayRunCommands(services: Services, hook: HookRecord, job: Job): Promise<void> {
  if (!planSteps(job).some((planned) => planned.step.command !== undefined)) return;
  if (await hookMayRunCommands(services, hook)) return;
  const { hookGroupId, hookId } = hook.definition;
  throw refusal(
    hookGroupId,
    hookId,
    `refused: the rendered job of hook ${hookGroupId}/${hookId} holds a command step, and the client that last created or updated the hook did not hold the right to run commands`,
  );
}

/** How much of a pre-upgrade hook's history is read for its last create or update (newest first). */
const LEGACY_AUDIT_PAGES = 20;

/**
 * A hook without its own template whose type was read from the operator's `--hook-types` folder with
 * scripts runs those scripts without the right: the operator put them there, as Razor runs its hook
 * types' scripts. A type replaced through the API loses `scriptFolder`, and with it this.
 */
async function runsOperatorScripts(services: Services, hook: HookRecord): Promise<boolean> {
  const { task, hookType } = hook.definition;
  if (task !== undefined || hookType === undefined) return false;
  return (await services.hookTypes.getHookType(hookType))?.scriptFolder !== undefined;
}

async function hookMayRunCommands(services: Services, hook: HookRecord): Promise<boolean> {
  if (hook.runCommands) return true;
  if (await runsOperatorScripts(services, hook)) return true;
  if (hook.runCommands !== undefined) return false;
  const { hookGroupId, hookId } = hook.definition;
  let continuationToken: string | undefined;
  for (let page = 0; page < LEGACY_AUDIT_PAGES; page++) {
    const entries = await services.store.listAudit(hookGroupId, hookId, { limit: 50, continuationToken });
    const last = entries.items.find((entry) => entry.action === 'create' || entry.action === 'update');
    if (last) return last.clientId === undefined || last.clientId === ROOT_CLIENT_ID;
    continuationToken = entries.continuationToken;
    if (!continuationToken) break;
  }
  return false;
}
