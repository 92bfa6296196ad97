import { createClient } from '../../../functions/app/clients.ts';
import { putHookType } from '../../../functions/app/hookTypes.ts';
import type { Services } from '../../../functions/app/services.ts';
import type { ArchivedKind, ArchivedRecord, RecordArchive } from '../../../functions/ports/recordArchive.ts';
import type { Stores } from '../../../infra/local/stores.ts';
import { firedRun } from '../app/firedRun.ts';
import { inProcessServices } from '../app/inProcessServices.ts';

/**
 * A store holding at least one record of every kind the archive knows (RecordArchive,
 * functions/ports/recordArchive.ts), written through the use cases and the ports.
 */
export async function populate(stores: Stores): Promise<void> {
  const env = await inProcessServices();
  const services: Services = {
    ...env.services,
    store: stores.store,
    concurrency: stores.concurrency,
    hookTypes: stores.hookTypes,
  };
  try {
    await putHookType(services, 'kind', { events: { run: { task: { name: 't', command: ['true'] } } } });
    const runId = await firedRun(
      services,
      'arc',
      'hook',
      { task: { name: 't', command: ['true'] } },
      {
        concurrency: { limit: 1, onLimit: 'queue' },
      },
    );
    await services.store.putStepOutput(runId, 0, { stdout: 'out', stderr: '' }, 2_000_000_000);
    const { fireHook } = await import('../../../functions/app/fireHook.ts');
    const { getHook } = await import('../../../functions/app/manageHooks.ts');
    await fireHook(services, {
      hook: await getHook(services, 'arc', 'hook'),
      firedBy: 'triggerHook',
      payload: {},
      idempotencyKey: 'key-1',
    });
    const clients = {
      store: stores.clients,
      clock: services.clock,
      logger: services.logger,
      accessTokenKey: services.secrets.tokenKey,
    };
    await createClient(
      clients,
      'ci',
      { description: 'ci', scopes: ['hooks:read:*'] },
      { clientId: 'root', scopes: ['*'] },
    );
    await stores.clients.claimNonce('client-x', '1:abc', 2_000_000_000);
    await stores.outbox.add([{ id: 'e1', source: 'shop', 'detail-type': 'Order', detail: { n: 1 } }]);
  } finally {
    await env.close();
  }
}

/** Every record of an archive, in a stable order (a store's own order differs between kinds of store). */
export async function archived(archive: RecordArchive): Promise<ArchivedRecord[]> {
  const records: ArchivedRecord[] = [];
  for await (const record of archive.records()) records.push(record);
  return records.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

export const kindsOf = (records: ArchivedRecord[]): ArchivedKind[] =>
  [...new Set(records.map((r) => r.kind))].sort();

/** Every kind of record the archive knows, in order (a kind added to ArchivedRecord must be added here). */
const KINDS: Record<ArchivedKind, true> = {
  audit: true,
  client: true,
  clientAudit: true,
  fire: true,
  hawkNonce: true,
  hook: true,
  hookType: true,
  idempotencyKey: true,
  outboxEntry: true,
  queuedRun: true,
  run: true,
  semaphore: true,
  step: true,
  stepOutput: true,
};
export const EVERY_ARCHIVED_KIND = (Object.keys(KINDS) as ArchivedKind[]).sort();
