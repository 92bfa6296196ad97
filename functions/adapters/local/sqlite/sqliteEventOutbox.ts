import type { DeliveredEvent } from '../../../app/fireFromSources.ts';
import type { EventOutbox, OutboxEntry } from '../../../ports/eventOutbox.ts';
import type { SqliteDatabase } from './database.ts';
import { fromDocument, toDocument } from './documents.ts';

/**
 * The local EventBridge endpoint's outbox (ports/eventOutbox.ts) in the table `event_outbox`: one row
 * per event, numbered by an AUTOINCREMENT sequence (acceptance order; never reused, even after a
 * removal or a restart), the position being that number. A batch is stored in one transaction, so
 * an acknowledged PutEvents call is stored whole and a cut one not at all.
 */
export class SqliteEventOutbox implements EventOutbox {
  private readonly sql;

  constructor(private readonly database: SqliteDatabase) {
    const db = database.connection;
    this.sql = {
      add: db.prepare<[string]>('INSERT INTO event_outbox (event) VALUES (?)'),
      list: db.prepare<[number], { sequence: number; event: string }>(
        'SELECT sequence, event FROM event_outbox ORDER BY sequence LIMIT ?',
      ),
      remove: db.prepare<[number]>('DELETE FROM event_outbox WHERE sequence = ?'),
    };
  }

  async add(events: DeliveredEvent[]): Promise<OutboxEntry[]> {
    return this.database.transaction(() =>
      events.map((event) => ({
        position: String(this.sql.add.run(toDocument(event)).lastInsertRowid),
        event,
      })),
    );
  }

  async list(limit: number): Promise<OutboxEntry[]> {
    return this.sql.list.all(limit).map((row) => ({
      position: String(row.sequence),
      event: fromDocument<DeliveredEvent>(row.event),
    }));
  }

  async remove(entry: OutboxEntry): Promise<void> {
    const sequence = Number(entry.position);
    if (Number.isSafeInteger(sequence)) this.sql.remove.run(sequence);
  }
}
