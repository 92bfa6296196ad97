import { randomBytes } from 'node:crypto';
import type { ClientAuditRecord, ClientRecord, ClientStore } from '../../../ports/clientStore.ts';
import { type Clock, systemClock } from '../../../ports/clock.ts';
import { ConditionFailed, type Page, type PageRequest } from '../../../ports/store.ts';
import { clientKeys } from '../../aws/tableLayout.ts';
import { decodeContinuationToken, encodeContinuationToken } from '../../continuationToken.ts';
import type { SqliteDatabase } from './database.ts';
import { fromDocument, pageOf, toDocument } from './documents.ts';

type Row = { record: string };

/**
 * Clients, their audit records and Hawk nonces on the embedded SQLite database, with the DynamoDB
 * adapter's semantics (functions/adapters/aws/dynamoClientStore.ts) and continuation tokens.
 */
export class SqliteClientStore implements ClientStore {
  private readonly clock: Clock;
  private readonly sql;

  constructor(database: SqliteDatabase, options: { clock?: Clock } = {}) {
    this.clock = options.clock ?? systemClock;
    const db = database.connection;
    this.sql = {
      get: db.prepare<[string], Row>('SELECT record FROM clients WHERE client_id = ?'),
      insert: db.prepare<[string, string]>(
        'INSERT INTO clients (client_id, record) VALUES (?, ?) ON CONFLICT DO NOTHING',
      ),
      replace: db.prepare<[string, string, number]>(
        "UPDATE clients SET record = ? WHERE client_id = ? AND json_extract(record, '$.version') = ?",
      ),
      // DynamoDB's `attribute_not_exists(lastDateUsed) OR lastDateUsed < :notBefore`: a string compared
      // with a string (a stored null or number is neither absent nor less).
      touch: db.prepare<[string, string, string]>(
        `UPDATE clients SET record = json_set(record, '$.lastDateUsed', ?) WHERE client_id = ?
         AND (json_type(record, '$.lastDateUsed') IS NULL
              OR (json_type(record, '$.lastDateUsed') = 'text' AND json_extract(record, '$.lastDateUsed') < ?))`,
      ),
      delete: db.prepare<[string]>('DELETE FROM clients WHERE client_id = ?'),
      list: db.prepare<
        [{ after: string; prefix: string; limit: number }],
        { client_id: string; record: string }
      >(
        `SELECT client_id, record FROM clients
         WHERE client_id > @after AND client_id >= @prefix AND substr(client_id, 1, length(@prefix)) = @prefix
         ORDER BY client_id LIMIT @limit`,
      ),
      putAudit: db.prepare<[string, string, string]>(
        'INSERT OR REPLACE INTO client_audit (client_id, sk, record) VALUES (?, ?, ?)',
      ),
      audit: db.prepare<[string, number], { sk: string; record: string }>(
        'SELECT sk, record FROM client_audit WHERE client_id = ? ORDER BY sk DESC LIMIT ?',
      ),
      auditBefore: db.prepare<[string, string, number], { sk: string; record: string }>(
        'SELECT sk, record FROM client_audit WHERE client_id = ? AND sk < ? ORDER BY sk DESC LIMIT ?',
      ),
      claimNonce: db.prepare<[string, string, number, number]>(
        `INSERT INTO hawk_nonces (client_id, nonce, expires_at) VALUES (?, ?, ?)
         ON CONFLICT DO UPDATE SET expires_at = excluded.expires_at WHERE hawk_nonces.expires_at < ?`,
      ),
    };
  }

  async getClient(clientId: string): Promise<ClientRecord | undefined> {
    const row = this.sql.get.get(clientId);
    return row && fromDocument<ClientRecord>(row.record);
  }

  async createClient(record: ClientRecord): Promise<void> {
    if (this.sql.insert.run(record.clientId, toDocument(record)).changes === 0)
      throw new ConditionFailed(`client ${record.clientId} exists`);
  }

  async replaceClient(record: ClientRecord, expectedVersion: number): Promise<void> {
    if (this.sql.replace.run(toDocument(record), record.clientId, expectedVersion).changes === 0)
      throw new ConditionFailed(`client ${record.clientId} changed`);
  }

  async touchClient(clientId: string, time: string, notBefore: string): Promise<void> {
    this.sql.touch.run(time, clientId, notBefore);
  }

  async deleteClient(clientId: string): Promise<boolean> {
    return this.sql.delete.run(clientId).changes > 0;
  }

  async listClients(page: PageRequest & { prefix?: string }): Promise<Page<ClientRecord>> {
    const after = decodeContinuationToken(page.continuationToken, ['pk', 'sk'], {
      name: 'pk',
      value: clientKeys.clients,
    });
    const prefix = page.prefix ?? '';
    const rows = this.sql.list.all({ after: after?.sk ?? '', prefix, limit: page.limit + 1 });
    const { rows: items, more } = pageOf(rows, page.limit);
    return {
      items: items.map((row) => fromDocument<ClientRecord>(row.record)),
      continuationToken: more
        ? encodeContinuationToken(clientKeys.client(items.at(-1)!.client_id))
        : undefined,
    };
  }

  async putClientAudit(record: ClientAuditRecord): Promise<void> {
    const { sk } = clientKeys.audit(record.clientId, record.time, randomBytes(6).toString('base64url'));
    this.sql.putAudit.run(record.clientId, sk, toDocument(record));
  }

  async listClientAudit(clientId: string, page: PageRequest): Promise<Page<ClientAuditRecord>> {
    const pk = clientKeys.auditOf(clientId);
    const after = decodeContinuationToken(page.continuationToken, ['pk', 'sk'], { name: 'pk', value: pk });
    const rows = after
      ? this.sql.auditBefore.all(clientId, after.sk!, page.limit + 1)
      : this.sql.audit.all(clientId, page.limit + 1);
    const { rows: items, more } = pageOf(rows, page.limit);
    return {
      items: items.map((row) => fromDocument<ClientAuditRecord>(row.record)),
      continuationToken: more ? encodeContinuationToken({ pk, sk: items.at(-1)!.sk }) : undefined,
    };
  }

  async claimNonce(clientId: string, nonce: string, expiresAt: number): Promise<boolean> {
    // A recorded nonce past its expiry that the sweeper has not yet deleted does not count (as in DynamoDB).
    const now = Math.floor(this.clock.now().getTime() / 1000);
    return this.sql.claimNonce.run(clientId, nonce, expiresAt, now).changes > 0;
  }
}
