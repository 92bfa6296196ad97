import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { RunCreation, RunCreationOutcome, RunCreationRepair } from '../../ports/runCreation.ts';
import type { FireRecord, IdempotencyClaim } from '../../ports/store.ts';
import { isConditionFailure } from './documentClient.ts';
import { keys } from './tableLayout.ts';

/**
 * Store.createRun on DynamoDB / dynalite, which have no transactions (dynalite has none at all), so
 * the items of a new run are written in an order that is safe at every cut:
 *
 *   1. the unfinished marker `UNFINISHED/<runId>`, carrying the fire record and the key claimed — from
 *      here on recovery (functions/app/recoverRuns.ts → repairRunCreation) knows the creation began;
 *   2. the Idempotency-Key claim `IDEMPOTENCY#g#h/<key>` → runId (conditional: free or expired);
 *   3. the pending steps;
 *   4. the run item (conditional: absent), not yet listed — the commit point: a run exists only with
 *      all its steps;
 *   5. its listing under the hook and among all runs (the index keys gsi1pk/gsi1sk, gsi2pk/gsi2sk);
 *   6. the fire record, whose time is the run's createdAt (so writing it again is the same item).
 *
 * The listing is its own write because dynalite writes an item's index entries before the item
 * itself: were the run put with its index keys, a cut between the two would list a run that does
 * not exist (and the index entry would outlive the repair). Listed only once it exists, a cut run is
 * never listed, and a cut listing (index written, item not) is finished by the repair.
 *
 * Why each cut is safe:
 * - before 4, the run does not exist: the key claim answers nothing (findIdempotentRun checks the run,
 *   and a later claim takes over one whose creation is older than CLAIM_GRACE_MS), nothing lists the
 *   steps, and repairRunCreation removes key, steps and marker once the creation is older than the
 *   grace — nothing of it was acknowledged (the API answers after 5);
 * - after 4, the marker makes recovery see the run (pending, no execution): repair writes the listing
 *   and the fire record if 5 or 6 was cut, and recovery starts the run.
 * A repair deletes in the reverse order (key, steps, marker), so a cut repair is simply repaired again.
 */
export const CLAIM_GRACE_MS = 30_000;

interface Marker {
  createdAt: string;
  hookGroupId: string;
  hookId: string;
  fire?: FireRecord;
  idempotencyKey?: string;
}

export class DynamoRunCreation {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  private async get(key: { pk: string; sk: string }): Promise<Record<string, unknown> | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: key, ConsistentRead: true }),
    );
    return out.Item;
  }

  private async runExists(runId: string): Promise<boolean> {
    return (await this.get(keys.run(runId))) !== undefined;
  }

  async create(creation: RunCreation): Promise<RunCreationOutcome> {
    const { run, steps, fire, idempotency, expiresAt } = creation;
    const { hookGroupId: g, hookId: h, runId } = run;
    if (await this.runExists(runId)) return { kind: 'run-exists' };
    const marker: Marker = {
      createdAt: run.createdAt,
      hookGroupId: g,
      hookId: h,
      fire,
      idempotencyKey: idempotency?.key,
    };
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...keys.unfinished(runId), kind: 'unfinished', expiresAt, ...marker },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      // The same occurrence (a derived run id) is being created by another delivery.
      return { kind: 'run-exists' };
    }
    if (idempotency) {
      const claim = await this.claimKey(g, h, idempotency, runId);
      if (claim.kind !== 'claimed') {
        await this.doc.send(new DeleteCommand({ TableName: this.table, Key: keys.unfinished(runId) }));
        return claim;
      }
    }
    for (let i = 0; i < steps.length; i += 16) {
      await Promise.all(
        steps.slice(i, i + 16).map((step) =>
          this.doc.send(
            new PutCommand({
              TableName: this.table,
              Item: { ...keys.step(runId, step.index), kind: 'step', expiresAt, ...step },
            }),
          ),
        ),
      );
    }
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...keys.run(runId), kind: 'run', expiresAt, ...run },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      return { kind: 'run-exists' };
    }
    await this.list(g, h, runId, run.createdAt);
    await this.putFire(fire);
    return { kind: 'created' };
  }

  /** Step 5: the run appears in its hook's listing (listRuns reads the index). */
  private async list(g: string, h: string, runId: string, createdAt: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.run(runId),
        UpdateExpression: 'SET gsi1pk = :pk, gsi1sk = :sk, gsi2pk = :all, gsi2sk = :sk',
        ExpressionAttributeValues: {
          ':pk': keys.runsOf(g, h),
          ':sk': keys.runsSortKey(createdAt, runId),
          ':all': keys.allRuns,
        },
      }),
    );
  }

  private async putFire(fire: FireRecord): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...keys.fire(fire.hookGroupId, fire.hookId, fire.time, fire.runId), kind: 'fire', ...fire },
      }),
    );
  }

  /** Step 2: the key for this run, unless it answers with a run that exists or a creation still under way. */
  private async claimKey(
    g: string,
    h: string,
    idempotency: NonNullable<RunCreation['idempotency']>,
    runId: string,
  ): Promise<
    { kind: 'claimed' } | { kind: 'key-taken'; runId: string; fingerprint?: string } | { kind: 'key-busy' }
  > {
    const { key, expiresAt, fingerprint } = idempotency;
    const item = { ...keys.idempotency(g, h, key), kind: 'idempotency', runId, expiresAt, fingerprint };
    const nowSeconds = Math.floor(Date.now() / 1000);
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: item,
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
          ExpressionAttributeValues: { ':now': nowSeconds },
        }),
      );
      return { kind: 'claimed' };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    const held = await this.get(keys.idempotency(g, h, key));
    const heldRunId = typeof held?.runId === 'string' ? held.runId : undefined;
    if (!heldRunId) return { kind: 'key-busy' };
    if (await this.runExists(heldRunId))
      return { kind: 'key-taken', runId: heldRunId, ...fingerprintOf(held) };
    // The holder's run does not exist: its creation is under way, or was cut (its marker is old or gone).
    const holderMarker = await this.get(keys.unfinished(heldRunId));
    const startedAt = typeof holderMarker?.createdAt === 'string' ? Date.parse(holderMarker.createdAt) : 0;
    if (holderMarker && Date.now() - startedAt < CLAIM_GRACE_MS) return { kind: 'key-busy' };
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: item,
          ConditionExpression: 'runId = :held',
          ExpressionAttributeValues: { ':held': heldRunId },
        }),
      );
      return { kind: 'claimed' };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      return { kind: 'key-busy' };
    }
  }

  async findIdempotentRun(g: string, h: string, key: string): Promise<IdempotencyClaim | undefined> {
    const held = await this.get(keys.idempotency(g, h, key));
    if (!held || typeof held.runId !== 'string') return undefined;
    if (typeof held.expiresAt === 'number' && held.expiresAt < Math.floor(Date.now() / 1000))
      return undefined;
    return (await this.runExists(held.runId)) ? { runId: held.runId, ...fingerprintOf(held) } : undefined;
  }

  async repair(runId: string, startedBefore: Date): Promise<RunCreationRepair> {
    const marker = (await this.get(keys.unfinished(runId))) as (Marker & Record<string, unknown>) | undefined;
    if (!marker) return 'none';
    const run = await this.get(keys.run(runId));
    if (run) {
      if (!run.gsi1pk && typeof run.createdAt === 'string')
        await this.list(String(run.hookGroupId), String(run.hookId), runId, run.createdAt);
      const fire = marker.fire;
      if (fire && !(await this.get(keys.fire(fire.hookGroupId, fire.hookId, fire.time, fire.runId))))
        await this.putFire(fire);
      return 'complete';
    }
    if (typeof marker.createdAt === 'string' && Date.parse(marker.createdAt) >= startedBefore.getTime())
      return 'in-progress';
    if (marker.idempotencyKey && marker.hookGroupId && marker.hookId) {
      try {
        await this.doc.send(
          new DeleteCommand({
            TableName: this.table,
            Key: keys.idempotency(marker.hookGroupId, marker.hookId, marker.idempotencyKey),
            ConditionExpression: 'runId = :runId',
            ExpressionAttributeValues: { ':runId': runId },
          }),
        );
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    }
    const stepItems = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.run(runId).pk, ':prefix': 'STEP#' },
        ProjectionExpression: 'pk, sk',
        ConsistentRead: true,
      }),
    );
    await Promise.all(
      (stepItems.Items ?? []).map((item) =>
        this.doc.send(new DeleteCommand({ TableName: this.table, Key: { pk: item.pk, sk: item.sk } })),
      ),
    );
    await this.doc.send(new DeleteCommand({ TableName: this.table, Key: keys.unfinished(runId) }));
    return 'discarded';
  }
}

function fingerprintOf(item: Record<string, unknown> | undefined): { fingerprint?: string } {
  return typeof item?.fingerprint === 'string' ? { fingerprint: item.fingerprint } : {};
}
