import { sql, type Kysely } from 'kysely';
import type { OutboxLag, OutboxStore, RelayBatchResult, RelayPublishOutcome, StoredEvent } from '../../domain/events/outbox-store.ts';
import type { Database } from './database.ts';
import { toSafeInteger } from './pg-int8.ts';

/** The advisory lock whose holder is the relay leader ('obox'). */
const RELAY_LOCK = 0x6f626f78;

interface OutboxSelected {
  seq: string;
  id: string;
  type: string;
  aggregate_id: string;
  envelope: Record<string, unknown>;
  created_at: Date;
  published_at: Date | null;
}

/**
 * The outbox table as the relay sees it. One replica relays at a time: each
 * batch is a transaction that first tries a transaction-scoped advisory lock
 * and returns at once when another replica holds it. Relaying the rows in
 * `seq` order from one place (the relay pipelines them, an aggregate's next
 * event only after its previous one's ack) keeps every aggregate's order;
 * the cost is that relaying does not scale past one replica (a batch is
 * hundreds of events in a few round trips to NATS, far above the write rate
 * a single PostgreSQL takes). The lock is held while the batch is published
 * (chain depth × ack time, milliseconds), not a lease: nothing expires under
 * a slow publish. A replica killed mid-batch rolls back its marks; the next
 * leader republishes those rows and JetStream drops them by id.
 */
export class PostgresOutboxStore implements OutboxStore {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async relayBatch(limit: number, publish: (events: readonly StoredEvent[]) => Promise<RelayPublishOutcome>): Promise<RelayBatchResult> {
    return this.#db.transaction().execute(async (trx) => {
      const { rows: lock } = await sql<{ leader: boolean }>`SELECT pg_try_advisory_xact_lock(${RELAY_LOCK}::int8) AS leader`.execute(trx);
      if (!lock[0]?.leader) return { leader: false, claimed: 0, published: 0 };
      const rows = await trx
        .selectFrom('outbox')
        .select(['seq', 'id', 'type', 'aggregate_id', 'envelope', 'created_at', 'published_at'])
        .where('published_at', 'is', null)
        .orderBy('seq')
        .limit(limit)
        .execute();
      if (rows.length === 0) return { leader: true, claimed: 0, published: 0 };
      const events = rows.map(toStored);
      const outcome = await publish(events);
      const marked = heldInOrder(events, outcome.published);
      if (marked.length > 0) {
        await trx
          .updateTable('outbox')
          .set({ published_at: new Date() })
          .where('id', 'in', marked.map((event) => event.id))
          .execute();
      }
      const claimed = new Set(events.map((event) => event.id));
      const failed = outcome.failed.filter((event) => claimed.has(event.id));
      if (failed.length > 0) {
        await trx
          .updateTable('outbox')
          .set({ attempts: sql<number>`attempts + 1` })
          .where('id', 'in', failed.map((event) => event.id))
          .execute();
      }
      return { leader: true, claimed: events.length, published: marked.length };
    });
  }

  async lag(): Promise<OutboxLag> {
    const { rows } = await sql<{ pending: string; oldest: Date | null }>`
      SELECT count(*) AS pending, min(created_at) AS oldest FROM outbox WHERE published_at IS NULL`.execute(this.#db);
    const row = rows[0];
    const oldest = row?.oldest;
    return { pending: toSafeInteger(row?.pending ?? '0', 'outbox pending'), oldestPendingAgeMs: oldest ? Math.max(0, Date.now() - oldest.getTime()) : 0 };
  }

  async purgePublished(before: Date, limit: number): Promise<number> {
    const { rows } = await sql<{ seq: string }>`
      DELETE FROM outbox WHERE seq IN (
        SELECT seq FROM outbox WHERE published_at IS NOT NULL AND published_at < ${before} ORDER BY published_at LIMIT ${limit}
      ) RETURNING seq`.execute(this.#db);
    return rows.length;
  }

  async listSince(since: Date, afterSeq: number, limit: number): Promise<StoredEvent[]> {
    const rows = await this.#db
      .selectFrom('outbox')
      .select(['seq', 'id', 'type', 'aggregate_id', 'envelope', 'created_at', 'published_at'])
      .where('created_at', '>=', since)
      .where('seq', '>', String(afterSeq) as never)
      .orderBy('seq')
      .limit(limit)
      .execute();
    return rows.map(toStored);
  }
}

/**
 * The batch's events the broker holds, per aggregate up to its first one it
 * does not: an aggregate's marked events are always a prefix of its events,
 * whatever the publisher answered (events after a gap are republished and
 * the stream drops the copies by id).
 */
function heldInOrder(events: readonly StoredEvent[], published: readonly StoredEvent[]): StoredEvent[] {
  const held = new Set(published.map((event) => event.id));
  const broken = new Set<string>();
  const marked: StoredEvent[] = [];
  for (const event of events) {
    if (broken.has(event.aggregateId)) continue;
    if (held.has(event.id)) marked.push(event);
    else broken.add(event.aggregateId);
  }
  return marked;
}

function toStored(row: OutboxSelected): StoredEvent {
  return {
    seq: toSafeInteger(row.seq, 'outbox.seq'),
    id: row.id,
    subject: `ordersvc.${row.type}`,
    aggregateId: row.aggregate_id,
    envelope: row.envelope,
    createdAt: row.created_at,
    publishedAt: row.published_at ?? undefined,
  };
}
