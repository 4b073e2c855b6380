import { sql, type RawBuilder, type Transaction } from 'kysely';
import type { NewActivityEvent } from '../../../domain/activity/activity-event.ts';
import type { Database } from '../database.ts';
import { toSafeInteger } from '../pg-int8.ts';

/** The NOTIFY channel of new activity; the payload is `{"user_id":…,"id":…}`, never the event. */
export const ACTIVITY_CHANNEL = 'ordersvc_activity';

/** The first key of the two-key advisory locks that order one user's events ('actv'). */
const ACTIVITY_LOCK_SPACE = 0x61637476;

export interface ActivityNotification {
  readonly userId: string;
  readonly id: number;
}

/**
 * Records `event` inside the caller's transaction, so it commits or rolls
 * back with the change it tells of, and notifies every listening replica on
 * commit (NOTIFY is transactional: a rolled-back change notifies no one).
 * Returns the event's id.
 *
 * Readers resume with "the user's events after id N". Identity values are
 * handed out at insert time but become visible at commit, so two transactions
 * of one user could commit out of id order and a reader that had already seen
 * the larger id would skip the smaller one for good. Hence the per-user
 * advisory lock, taken before the insert and held until commit: the next
 * event of that user gets its id only after this transaction has ended, so a
 * user's events commit in id order. Other users are not held up (a hash
 * collision only makes two users wait for each other).
 *
 * The user row is locked FOR KEY SHARE first (the foreign key check would take
 * that lock anyway, but after the advisory one): every transaction then takes
 * the user row lock before the advisory lock, and a profile update (which
 * holds the row FOR UPDATE and then records) cannot deadlock with an order
 * change of the same user.
 */
export async function recordActivity(trx: Transaction<Database>, event: NewActivityEvent, signal?: AbortSignal): Promise<number> {
  // One statement, one round trip.
  const { rows } = await sql<{ id: string }>`WITH ${activityCtes(event)} SELECT id FROM ${sql.ref(ACTIVITY_RECORDED)}`.execute(trx, signal ? { signal } : {});
  const row = rows[0];
  if (!row) throw new Error(`activity of user ${event.userId} was not recorded: the user does not exist`);
  return toSafeInteger(row.id, 'activity_events.id');
}

/** The CTE of `activityCtes` that yields the recorded event's `id` (one row, none when nothing was recorded). */
export const ACTIVITY_RECORDED = 'activity_recorded';

/**
 * `recordActivity` as common table expressions, for a statement that makes
 * the change and records its event in one round trip: `WITH <change>,
 * ${activityCtes(event, '<change>')} SELECT … (SELECT id FROM activity_recorded)`.
 * The statement must read `ACTIVITY_RECORDED`: the notification is sent only
 * when it is read. With `after`, the event is recorded only when that CTE
 * yields a row, and its locks are taken only after that CTE ran (its rows are
 * pulled first): the change, then the user row lock, then the advisory lock,
 * then the insert, as when recording in a statement of its own.
 */
export function activityCtes(event: NewActivityEvent, after?: string): RawBuilder<unknown> {
  // Its steps run in the order the rows are pulled: the user row lock, then the
  // advisory lock, then the insert (whose identity value is drawn only then),
  // then the notification.
  const gate = after === undefined ? sql`` : sql`AND EXISTS (SELECT 1 FROM ${sql.ref(after)})`;
  return sql`activity_user AS (
      SELECT id FROM users WHERE id = ${event.userId} ${gate} FOR KEY SHARE
    ), activity_in_order AS (
      SELECT id, pg_advisory_xact_lock(${ACTIVITY_LOCK_SPACE}::int4, hashtext(id::text)) FROM activity_user
    ), activity_inserted AS (
      INSERT INTO activity_events (user_id, type, data)
      SELECT id, ${event.type}, ${JSON.stringify(event.data)}::jsonb FROM activity_in_order
      RETURNING id, user_id
    ), ${sql.ref(ACTIVITY_RECORDED)} AS (
      SELECT id, pg_notify(${ACTIVITY_CHANNEL}, json_build_object('user_id', user_id, 'id', id::text)::text) AS notified
      FROM activity_inserted
    )`;
}

/** Parses a NOTIFY payload of `ACTIVITY_CHANNEL`; undefined when it is not one of ours. */
export function parseActivityNotification(payload: string | undefined): ActivityNotification | undefined {
  if (payload === undefined) return undefined;
  try {
    const parsed = JSON.parse(payload) as { user_id?: unknown; id?: unknown };
    if (typeof parsed.user_id !== 'string' || typeof parsed.id !== 'string' || !/^\d{1,16}$/.test(parsed.id)) return undefined;
    return { userId: parsed.user_id, id: Number(parsed.id) };
  } catch {
    return undefined;
  }
}
