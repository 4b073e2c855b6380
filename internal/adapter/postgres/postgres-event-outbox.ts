import { sql, type RawBuilder, type Transaction } from 'kysely';
import type { EventOutbox } from '../../domain/events/event-outbox.ts';
import type { IntegrationEvent } from '../../domain/events/integration-event.ts';
import { toEventMessage } from '../events/cloud-event-envelope.ts';
import type { Database } from './database.ts';
import type { StatementParts } from './statement-parts.ts';

/** The NOTIFY channel that wakes the relay when events commit (the payload is empty). */
export const OUTBOX_CHANNEL = 'ordersvc_outbox';

/**
 * The outbox table, written in the caller's transaction. Callers write an
 * aggregate's events while holding that aggregate's row lock, so the
 * identity `seq` of one aggregate follows commit order.
 */
export class PostgresEventOutbox implements EventOutbox<Transaction<Database>> {
  readonly #newId: () => string;

  constructor(newId: () => string) {
    this.#newId = newId;
  }

  async append(trx: Transaction<Database>, events: readonly IntegrationEvent[], signal?: AbortSignal): Promise<void> {
    if (events.length === 0) return;
    await sql`WITH ${this.ctes(events)} SELECT count(*) FROM outbox_written`.execute(trx, signal ? { signal } : {});
  }

  /**
   * The outbox for a change saved in one statement: `append` adds the insert
   * to the statement's parts (written only when the change is saved).
   */
  readonly inStatement: EventOutbox<StatementParts> = {
    append: (parts, events) => {
      if (events.length > 0) parts.add((name, after) => this.ctes(events, after, name));
      return Promise.resolve();
    },
  };

  /**
   * The insert as common table expressions, for a statement that makes the
   * change and writes its events in one round trip; with `after`, the
   * events are written only when that CTE yields a row. Yields `name` (default `outbox_written`).
   */
  ctes(events: readonly IntegrationEvent[], after?: string, name = 'outbox_written'): RawBuilder<unknown> {
    const now = new Date();
    const rows = events.map((event) => ({ event, message: toEventMessage(event, this.#newId(), now) }));
    const gate = after === undefined ? sql`` : sql`WHERE EXISTS (SELECT 1 FROM ${sql.ref(after)})`;
    return sql`${sql.ref(name)} AS (
      INSERT INTO outbox (id, aggregate, aggregate_id, type, envelope)
      SELECT e.id, e.aggregate, e.aggregate_id, e.type, e.envelope
      FROM unnest(${rows.map((row) => row.message.id)}::uuid[], ${rows.map((row) => row.event.aggregate)}::text[],
        ${rows.map((row) => row.event.aggregateId)}::uuid[], ${rows.map((row) => row.event.type)}::text[],
        ${rows.map((row) => JSON.stringify(row.message.envelope))}::jsonb[]) WITH ORDINALITY AS e(id, aggregate, aggregate_id, type, envelope, n)
      ${gate}
      ORDER BY e.n
      RETURNING seq, pg_notify(${OUTBOX_CHANNEL}, '') AS notified
    )`;
  }
}
