import type { Kysely } from 'kysely';
import { isActivityType, type ActivityData, type ActivityEvent } from '../../../domain/activity/activity-event.ts';
import type { ActivityLog } from '../../../domain/activity/activity-log.ts';
import type { Context } from '../../../domain/shared/context.ts';
import type { ActivityEventRow } from '../activity-events.table.ts';
import type { Database } from '../database.ts';
import { translatePgError } from '../pg-errors.ts';
import { toSafeInteger } from '../pg-int8.ts';

/** `activity_events`, read through the (user_id, id) index. */
export class PostgresActivityLog implements ActivityLog {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async listNewestFirst(ctx: Context, userId: string, page: { readonly limit: number; readonly beforeId?: number | undefined }): Promise<ActivityEvent[]> {
    let query = this.#db.selectFrom('activity_events').selectAll().where('user_id', '=', userId).orderBy('id', 'desc').limit(page.limit);
    if (page.beforeId !== undefined) query = query.where('id', '<', String(page.beforeId));
    return this.#run(() => query.execute({ signal: ctx.signal }));
  }

  async readAfter(ctx: Context, userId: string, afterId: number, limit: number): Promise<ActivityEvent[]> {
    const query = this.#db
      .selectFrom('activity_events')
      .selectAll()
      .where('user_id', '=', userId)
      .where('id', '>', String(afterId))
      .orderBy('id')
      .limit(limit);
    return this.#run(() => query.execute({ signal: ctx.signal }));
  }

  async latestId(ctx: Context, userId: string): Promise<number> {
    try {
      const row = await this.#db
        .selectFrom('activity_events')
        .select('id')
        .where('user_id', '=', userId)
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst({ signal: ctx.signal });
      return row ? toSafeInteger(row.id, 'activity_events.id') : 0;
    } catch (error) {
      throw translatePgError(error);
    }
  }

  async #run(query: () => Promise<ActivityEventRow[]>): Promise<ActivityEvent[]> {
    try {
      return (await query()).map(toDomain);
    } catch (error) {
      throw translatePgError(error);
    }
  }
}

function toDomain(row: ActivityEventRow): ActivityEvent {
  if (!isActivityType(row.type)) throw new Error(`activity_events.type holds ${row.type}, which is not an activity type`);
  return {
    id: toSafeInteger(row.id, 'activity_events.id'),
    userId: row.user_id,
    type: row.type,
    occurredAt: row.occurred_at,
    data: row.data as ActivityData,
  };
}
