import { randomBytes } from 'node:crypto';
import { conflict, inputError, notFound } from '../core/errors.ts';
import {
  completeDefinition,
  type HookDefinition,
  hookDefinitionInputSchema,
  sameDefinition,
} from '../core/hookDefinition.ts';
import { deriveTriggerToken, hashSecret, newTokenNonce } from '../core/triggerToken.ts';
import { resolveConfig } from '../core/hookType.ts';
import { parseOrThrow } from '../core/validation.ts';
import { ConditionFailed, type HookRecord } from '../ports/store.ts';
import { checkFiringPaths } from './checkHook.ts';
import { announce } from './lifecycleEvents.ts';
import { removeHookTriggers, syncHookTriggers } from './syncTriggers.ts';
import type { Services } from './services.ts';
import { checkStorable, MAX_DEFINITION_BYTES } from './storageLimits.ts';

/** Creating, changing, reading and removing hooks (Taskcluster's createHook … removeHook). */

export interface Actor {
  clientId?: string;
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

function newRecord(services: Services, definition: HookDefinition): HookRecord {
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
  };
}

/** A typed hook's config gets the type's defaults; unknown or missing required keys are a 400 naming the key. */
export async function applyHookType(services: Services, definition: HookDefinition): Promise<HookDefinition> {
  if (!definition.hookType) return definition;
  const type = await services.hookTypes.getHookType(definition.hookType);
  if (!type) throw inputError(`hookType "${definition.hookType}" does not exist`);
  return { ...definition, config: resolveConfig(type, definition.config) };
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
  actor: Actor,
): Promise<HookDefinition> {
  checkIds(body, hookGroupId, hookId);
  const parsed = parseOrThrow(hookDefinitionInputSchema, body, 'hook definition');
  const definition = await applyHookType(services, completeDefinition(hookGroupId, hookId, parsed));
  checkStorable('the hook definition', definition, MAX_DEFINITION_BYTES);
  await checkFiringPaths(services, definition, actor.clientId);
  const record = newRecord(services, definition);
  try {
    await services.store.createHook(record);
  } catch (error) {
    if (!(error instanceof ConditionFailed)) throw error;
    const existing = await services.store.getHook(hookGroupId, hookId);
    if (existing && sameDefinition(existing.definition, definition)) return existing.definition;
    throw conflict(`hook ${hookGroupId}/${hookId} already exists with a different definition`);
  }
  await services.store.putAudit({
    hookGroupId,
    hookId,
    time: record.createdAt,
    action: 'create',
    clientId: actor.clientId,
    changes: { definition },
  });
  await syncHookTriggers(services, definition);
  await announce(services, 'Hook Created', { hookGroupId, hookId });
  return definition;
}

/** updateHook: 404 when missing; omitted triggerSchema and config keep their stored values. */
export async function updateHook(
  services: Services,
  hookGroupId: string,
  hookId: string,
  body: unknown,
  actor: Actor,
): Promise<HookDefinition> {
  checkIds(body, hookGroupId, hookId);
  const parsed = parseOrThrow(hookDefinitionInputSchema, body, 'hook definition');
  for (let attempt = 0; attempt < 5; attempt++) {
    const existing = await getHook(services, hookGroupId, hookId);
    const definition = await applyHookType(
      services,
      completeDefinition(hookGroupId, hookId, parsed, existing.definition),
    );
    checkStorable('the hook definition', definition, MAX_DEFINITION_BYTES);
    await checkFiringPaths(services, definition, actor.clientId);
    const configChanged = JSON.stringify(definition.config) !== JSON.stringify(existing.definition.config);
    const updated: HookRecord = {
      ...existing,
      definition,
      updatedAt: services.clock.now().toISOString(),
      version: existing.version + 1,
      configVersion: existing.configVersion + (configChanged ? 1 : 0),
    };
    try {
      await services.store.replaceHook(updated, existing.version);
    } catch (error) {
      if (error instanceof ConditionFailed) continue;
      throw error;
    }
    await services.store.putAudit({
      hookGroupId,
      hookId,
      time: updated.updatedAt,
      action: 'update',
      clientId: actor.clientId,
      changes: diffDefinitions(existing.definition, definition),
    });
    await syncHookTriggers(services, definition);
    await announce(services, 'Hook Updated', { hookGroupId, hookId });
    return definition;
  }
  throw conflict(`hook ${hookGroupId}/${hookId} is being changed concurrently; try again`);
}

/** removeHook: the hook, its fires and (through the adapters' reactions) its schedules and bindings. */
export async function removeHook(
  services: Services,
  hookGroupId: string,
  hookId: string,
  actor: Actor,
): Promise<void> {
  const existing = await getHook(services, hookGroupId, hookId);
  await services.store.deleteHook(hookGroupId, hookId);
  await services.store.deleteFires(hookGroupId, hookId);
  const problem = await removeHookTriggers(services, hookGroupId, hookId);
  if (problem)
    services.logger.error('hook removed but its triggers remain; run reconcile', {
      hookGroupId,
      hookId,
      problem,
    });
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
  for (let attempt = 0; attempt < 5; attempt++) {
    const existing = await getHook(services, hookGroupId, hookId);
    const updated: HookRecord = {
      ...change(existing),
      version: existing.version + 1,
      updatedAt: services.clock.now().toISOString(),
    };
    try {
      await services.store.replaceHook(updated, existing.version);
    } catch (error) {
      if (error instanceof ConditionFailed) continue;
      throw error;
    }
    await services.store.putAudit({
      hookGroupId,
      hookId,
      time: updated.updatedAt,
      action,
      clientId: actor.clientId,
    });
    return updated;
  }
  throw conflict(`hook ${hookGroupId}/${hookId} is being changed concurrently; try again`);
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
