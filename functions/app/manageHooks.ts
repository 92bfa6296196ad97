import { randomBytes } from 'node:crypto';
import { conflict, HooklineError, inputError, notFound } from '../core/errors.ts';
import {
  completeDefinition,
  type HookDefinition,
  hookDefinitionInputSchema,
  sameDefinition,
} from '../core/hookDefinition.ts';
import { deriveTriggerToken, hashSecret, newTokenNonce } from '../core/triggerToken.ts';
import { type HookType, resolveConfig } from '../core/hookType.ts';
import { staticJob } from '../core/render.ts';
import { checkStepsFit } from '../core/stepBudget.ts';
import { parseOrThrow } from '../core/validation.ts';
import { ConditionFailed, type HookRecord } from '../ports/store.ts';
import { checkFiringPaths } from './checkHook.ts';
import { announce } from './lifecycleEvents.ts';
import { pendingSyncMark, removeHookTriggers, SYNC_PENDING, syncHookTriggers } from './syncTriggers.ts';
import type { Services } from './services.ts';
import { retryOnConflict } from './retryOnConflict.ts';
import { checkStorable, MAX_DEFINITION_BYTES } from './storageLimits.ts';
import { checkTemplatesMayRunCommands, grantsRunCommands } from './runCommandsRight.ts';

/** Creating, changing, reading and removing hooks (Taskcluster's createHook … removeHook). */

export interface Actor {
  clientId?: string;
}

/** Who creates or updates a hook: their scopes decide whether the hook may run commands. */
export interface HookAuthor extends Actor {
  scopes: readonly string[];
}

function checkIds(body: unknown, hookGroupId: string, hookId: string): void {
  if (!body || typeof body !== 'object') return;
  const b = body as Record<string, unknown>;
  if (b.hookGroupId !== undefined && b.hookGroupId !== hookGroupId) {
    throw inputError(
      `hookGroupId in the body (${String(b.hookGroupId)}) must match the URL (${hookGroupId})`,
    );
  }
  if (b.hookId !== undefined && b.hookId !== hookId) {
    throw inputError(`hookId in the body (${String(b.hookId)}) must match the URL (${hookId})`);
  }
}

export function triggerTokenFor(services: Services, record: HookRecord): string {
  const { hookGroupId, hookId } = record.definition;
  return deriveTriggerToken(services.secrets.tokenKey, hookGroupId, hookId, record.triggerTokenNonce);
}

function newRecord(services: Services, definition: HookDefinition, runCommands: boolean): HookRecord {
  const now = services.clock.now().toISOString();
  const nonce = newTokenNonce();
  return {
    definition,
    triggerTokenNonce: nonce,
    triggerTokenHash: hashSecret(
      deriveTriggerToken(services.secrets.tokenKey, definition.hookGroupId, definition.hookId, nonce),
    ),
    createdAt: now,
    updatedAt: now,
    version: 1,
    configVersion: 1,
    signingSecret: randomBytes(32).toString('base64url'),
    runCommands,
  };
}

/**
 * A typed hook's config gets the type's defaults; unknown or missing required keys are a 400 naming
 * the key. Also answers the templates that will render the hook's jobs (its own, else its type's).
 */
export async function applyHookType(
  services: Services,
  definition: HookDefinition,
): Promise<{ definition: HookDefinition; templates: unknown[] }> {
  if (!definition.hookType) return { definition, templates: [definition.task] };
  const type = await services.hookTypes.getHookType(definition.hookType);
  if (!type) throw inputError(`hookType "${definition.hookType}" does not exist`);
  return {
    definition: {
      ...definition,
      config: resolveConfig(type, definition.config),
      ...(definition.concurrency === undefined && type.concurrency ? { concurrency: type.concurrency } : {}),
    },
    templates: definition.task ? [definition.task] : templatesNeedingTheRight(type),
  };
}

/** A type whose events run the operator's scripts needs no right of the hook's author (functions/app/runCommandsRight.ts). */
function templatesNeedingTheRight(type: HookType): unknown[] {
  return type.scriptFolder ? [] : Object.values(type.events);
}

/** The hook's right to run commands from its author's scopes; a visible command step without it is a 403. */
function runCommandsRight(
  hookGroupId: string,
  hookId: string,
  templates: readonly unknown[],
  author: HookAuthor,
): boolean {
  const right = grantsRunCommands(author.scopes, hookGroupId, hookId);
  checkTemplatesMayRunCommands(hookGroupId, hookId, templates, author.clientId, right);
  return right;
}

/** A template that renders without caller input is checked now for what a fire would refuse: steps that cannot fit. */
function checkStaticSteps(services: Services, definition: HookDefinition): void {
  const job = staticJob(definition.task);
  if (job) checkStepsFit(job, services.settings.stepFunctionTimeoutSeconds);
}

export async function getHook(services: Services, hookGroupId: string, hookId: string): Promise<HookRecord> {
  const record = await services.store.getHook(hookGroupId, hookId);
  if (!record) throw notFound(`hook ${hookGroupId}/${hookId} does not exist`);
  return record;
}

/** createHook: 200 with the definition; identical re-create is a no-op; a different one is 409. */
export async function createHook(
  services: Services,
  hookGroupId: string,
  hookId: string,
  body: unknown,
  actor: HookAuthor,
): Promise<HookDefinition> {
  checkIds(body, hookGroupId, hookId);
  const parsed = parseOrThrow(hookDefinitionInputSchema, body, 'hook definition');
  const { definition, runCommands } = await checkedDefinition(
    services,
    completeDefinition(hookGroupId, hookId, parsed),
    actor,
  );
  // Marked out of sync in the same write: a process killed before the triggers follow leaves a hook that says so.
  const record: HookRecord = {
    ...newRecord(services, definition, runCommands),
    ...pendingSyncMark(services),
  };
  try {
    await services.store.createHook(record);
  } catch (error) {
    if (!(error instanceof ConditionFailed)) throw error;
    const existing = await services.store.getHook(hookGroupId, hookId);
    // An identical re-create changes nothing, the right to run commands included.
    if (existing && sameDefinition(existing.definition, definition)) {
      // A retried create whose first attempt did not finish applying the triggers completes it.
      if (existing.outOfSync?.length) await syncHookTriggers(services, definition);
      return existing.definition;
    }
    throw conflict(`hook ${hookGroupId}/${hookId} already exists with a different definition`);
  }
  await recordHookChange(services, definition, actor, {
    time: record.createdAt,
    action: 'create',
    changes: { definition },
  });
  return definition;
}

/** updateHook: 404 when missing; omitted triggerSchema and config keep their stored values. */
export async function updateHook(
  services: Services,
  hookGroupId: string,
  hookId: string,
  body: unknown,
  actor: HookAuthor,
): Promise<HookDefinition> {
  checkIds(body, hookGroupId, hookId);
  const parsed = parseOrThrow(hookDefinitionInputSchema, body, 'hook definition');
  const { existing, definition, updated } = await retryOnConflict(
    `hook ${hookGroupId}/${hookId}`,
    async () => {
      const existing = await getHook(services, hookGroupId, hookId);
      const { definition, runCommands } = await checkedDefinition(
        services,
        completeDefinition(hookGroupId, hookId, parsed, existing.definition),
        actor,
      );
      const configChanged = JSON.stringify(definition.config) !== JSON.stringify(existing.definition.config);
      const updated: HookRecord = {
        ...existing,
        definition,
        updatedAt: services.clock.now().toISOString(),
        version: existing.version + 1,
        configVersion: existing.configVersion + (configChanged ? 1 : 0),
        ...pendingSyncMark(services),
        runCommands,
      };
      await services.store.replaceHook(updated, existing.version);
      return { existing, definition, updated };
    },
  );
  await recordHookChange(services, definition, actor, {
    time: updated.updatedAt,
    action: 'update',
    changes: diffDefinitions(existing.definition, definition),
  });
  return definition;
}

/**
 * A definition as it will be stored: its hook type applied, then every create-time check (size, static
 * steps, firing paths); with whether its author gives it the right to run commands.
 */
async function checkedDefinition(
  services: Services,
  completed: HookDefinition,
  actor: HookAuthor,
): Promise<{ definition: HookDefinition; runCommands: boolean }> {
  const { definition, templates } = await applyHookType(services, completed);
  checkStorable('the hook definition', definition, MAX_DEFINITION_BYTES);
  checkStaticSteps(services, definition);
  await checkFiringPaths(services, definition, actor.clientId);
  return {
    definition,
    runCommands: runCommandsRight(definition.hookGroupId, definition.hookId, templates, actor),
  };
}

/** After a stored create or update: its audit record, its triggers brought in line, its lifecycle event. */
async function recordHookChange(
  services: Services,
  definition: HookDefinition,
  actor: Actor,
  entry: { time: string; action: 'create' | 'update'; changes: Record<string, unknown> },
): Promise<void> {
  const { hookGroupId, hookId } = definition;
  await services.store.putAudit({ hookGroupId, hookId, clientId: actor.clientId, ...entry });
  await syncHookTriggers(services, definition);
  await announce(services, entry.action === 'create' ? 'Hook Created' : 'Hook Updated', {
    hookGroupId,
    hookId,
  });
}

/**
 * removeHook: its triggers first (so nothing fires it afterwards), then the hook. The hook is marked out of
 * sync before its triggers go, so a failure (or a process killed) halfway leaves a hook that says so and
 * can be removed again. Its fire history, runs and audit stay until their retention (TTL) ends.
 */
export async function removeHook(
  services: Services,
  hookGroupId: string,
  hookId: string,
  actor: Actor,
): Promise<void> {
  const existing = await getHook(services, hookGroupId, hookId);
  if (services.triggers) {
    const marked = await markBeingRemoved(services, existing);
    try {
      await removeHookTriggers(services, hookGroupId, hookId);
    } catch (error) {
      const problem = `rules/schedules not removed: ${(error as Error).message}`;
      services.logger.error('hook not removed: its triggers could not be deleted', {
        hookGroupId,
        hookId,
        problem,
      });
      await replaceMark(services, marked, [problem]);
      throw new HooklineError(
        'InternalServerError',
        `hook ${hookGroupId}/${hookId} was not removed: its schedules could not all be deleted (${problem}); it is kept, marked out of sync: remove it again`,
      );
    }
  }
  await services.store.deleteHook(hookGroupId, hookId);
  await services.store.putAudit({
    hookGroupId,
    hookId,
    time: services.clock.now().toISOString(),
    action: 'delete',
    clientId: actor.clientId,
    changes: { definition: existing.definition },
  });
  await announce(services, 'Hook Deleted', { hookGroupId, hookId });
}

const BEING_REMOVED = `${SYNC_PENDING}: the hook is being removed`;

/** Marks the hook as being removed (a concurrent change is retried against); returns the marked record. */
async function markBeingRemoved(services: Services, existing: HookRecord): Promise<HookRecord> {
  const { hookGroupId, hookId } = existing.definition;
  return retryOnConflict(`hook ${hookGroupId}/${hookId}`, async (attempt) => {
    const current = attempt === 1 ? existing : await getHook(services, hookGroupId, hookId);
    const marked: HookRecord = {
      ...current,
      outOfSync: [BEING_REMOVED],
      // The periodic repair leaves a mark this fresh alone (app/syncTriggers.ts, REPAIR_GRACE_MS).
      updatedAt: services.clock.now().toISOString(),
      version: current.version + 1,
    };
    await services.store.replaceHook(marked, current.version);
    return marked;
  });
}

/** Replaces the out-of-sync mark if nobody changed the hook since (best effort: the mark set first stays). */
async function replaceMark(services: Services, marked: HookRecord, outOfSync: string[]): Promise<void> {
  try {
    await services.store.replaceHook({ ...marked, outOfSync, version: marked.version + 1 }, marked.version);
  } catch (error) {
    if (!(error instanceof ConditionFailed)) throw error;
  }
}

/** Replaces the hook's http signing secret; the old one stops verifying. */
export async function resetSigningSecret(
  services: Services,
  hookGroupId: string,
  hookId: string,
  actor: Actor,
) {
  const updated = await changeHookRecord(
    services,
    hookGroupId,
    hookId,
    'reset-signing-secret',
    actor,
    (existing) => ({
      ...existing,
      signingSecret: randomBytes(32).toString('base64url'),
    }),
  );
  return updated.signingSecret;
}

/** resetTriggerToken: a new nonce, so the old token stops working. */
export async function resetTriggerToken(
  services: Services,
  hookGroupId: string,
  hookId: string,
  actor: Actor,
) {
  const updated = await changeHookRecord(
    services,
    hookGroupId,
    hookId,
    'reset-trigger-token',
    actor,
    (existing) => {
      const nonce = newTokenNonce();
      return {
        ...existing,
        triggerTokenNonce: nonce,
        triggerTokenHash: hashSecret(
          deriveTriggerToken(services.secrets.tokenKey, hookGroupId, hookId, nonce),
        ),
      };
    },
  );
  return triggerTokenFor(services, updated);
}

/**
 * Replaces the stored hook record with `change(existing)` under a version check (retrying when
 * another writer got there first) and records the action in the hook's audit history.
 */
async function changeHookRecord(
  services: Services,
  hookGroupId: string,
  hookId: string,
  action: string,
  actor: Actor,
  change: (existing: HookRecord) => HookRecord,
): Promise<HookRecord> {
  const updated = await retryOnConflict(`hook ${hookGroupId}/${hookId}`, async () => {
    const existing = await getHook(services, hookGroupId, hookId);
    const updated: HookRecord = {
      ...change(existing),
      version: existing.version + 1,
      updatedAt: services.clock.now().toISOString(),
    };
    await services.store.replaceHook(updated, existing.version);
    return updated;
  });
  await services.store.putAudit({
    hookGroupId,
    hookId,
    time: updated.updatedAt,
    action,
    clientId: actor.clientId,
  });
  return updated;
}

/** Which top-level fields an update changed (values of secrets are never part of a definition). */
function diffDefinitions(
  before: HookDefinition,
  after: HookDefinition,
): Record<string, { from: unknown; to: unknown }> {
  const fields = new Set([...Object.keys(before), ...Object.keys(after)]) as Set<keyof HookDefinition>;
  const diff: Record<string, { from: unknown; to: unknown }> = {};
  for (const field of fields) {
    if (JSON.stringify(before[field]) !== JSON.stringify(after[field]))
      diff[field] = { from: before[field], to: after[field] };
  }
  return diff;
}
