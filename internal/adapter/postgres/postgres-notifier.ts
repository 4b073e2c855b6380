import type { Kysely } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { Notification, NotificationMessage } from '../../domain/notification/notification.ts';
import type { NotificationListQuery, NotificationLog } from '../../domain/notification/notification-log.ts';
import type { Notifier } from '../../domain/notification/notifier.ts';
import type { Context } from '../../domain/shared/context.ts';
import type { Database } from './database.ts';
import { claimEffect } from './job-effects.ts';
import type { NotificationRow } from './notifications.table.ts';
import { translatePgError } from './pg-errors.ts';

/**
 * The default Notifier: a message is a row in `notifications`, written in the
 * transaction that claims its dedupe key, so a message is stored once per key.
 */
export class PostgresNotifier implements Notifier, NotificationLog {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async send(ctx: Context, message: NotificationMessage): Promise<{ sent: boolean }> {
    try {
      return await this.#db.transaction().execute(async (trx) => {
        if (!(await claimEffect(trx, message.dedupeKey, { signal: ctx.signal }))) return { sent: false };
        await trx
          .insertInto('notifications')
          .values({
            id: uuidv7(),
            recipient_user_id: message.recipientUserId,
            topic: message.topic,
            subject: message.subject,
            body: message.body,
            order_id: message.orderId ?? null,
            dedupe_key: message.dedupeKey,
          })
          .execute({ signal: ctx.signal });
        return { sent: true };
      });
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
