import type { Kysely } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { Notification, NotificationMessage } from '../../domain/notification/notification.ts';
import type { NotificationListQuery, NotificationLog } from '../../domain/notification/notification-log.ts';
import type { Notifier } from '../../domain/notification/notifier.ts';
import type { Context } from '../../domain/shared/context.ts';
import type { Database } from './database.ts';
import { FixedStatement } from './fixed-statement.ts';
import type { NotificationRow } from './notifications.table.ts';
import { translatePgError } from './pg-errors.ts';

/**
 * The claim of the message's dedupe key in `job_effects` (a key another transaction
 * is claiming is waited for: taken if that one commits) and the message, in one statement: one
 * round trip, atomic without a transaction. Every paid order's confirmation sends one.
 */
const SEND = new FixedStatement<{ id: string }>(`
  WITH claimed AS (
    INSERT INTO job_effects (dedupe_key, job_id) VALUES ($1, NULL)
    ON CONFLICT (dedupe_key) DO NOTHING
    RETURNING dedupe_key
  )
  INSERT INTO notifications (id, recipient_user_id, topic, subject, body, order_id, dedupe_key)
  SELECT $2::uuid, $3::uuid, $4, $5, $6, $7::uuid, claimed.dedupe_key FROM claimed
  RETURNING id`);

/**
 * The default Notifier: a message is a row in `notifications`, written by the
 * statement that claims its dedupe key, so a message is stored once per key.
 */
export class PostgresNotifier implements Notifier, NotificationLog {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async send(ctx: Context, message: NotificationMessage): Promise<{ sent: boolean }> {
    try {
      const { rows } = await SEND.execute(
        this.#db,
        [message.dedupeKey, uuidv7(), message.recipientUserId, message.topic, message.subject, message.body, message.orderId ?? null],
        ctx.signal,
      );
      return { sent: rows.length > 0 };
    } catch (error) {
      throw translatePgError(error);
    }
  }

  async list(ctx: Context, query: NotificationListQuery): Promise<Notification[]> {
    let select = this.#db.selectFrom('notifications').selectAll().orderBy('id', 'desc').limit(query.limit);
    if (query.beforeId !== undefined) select = select.where('id', '<', query.beforeId);
    try {
      return (await select.execute({ signal: ctx.signal })).map(toDomain);
    } catch (error) {
      throw translatePgError(error);
    }
  }
}

function toDomain(row: NotificationRow): Notification {
  return {
    id: row.id,
    recipientUserId: row.recipient_user_id,
    topic: row.topic,
    subject: row.subject,
    body: row.body,
    orderId: row.order_id ?? undefined,
    dedupeKey: row.dedupe_key,
    createdAt: row.created_at,
  };
}
