import { sql, type Kysely } from 'kysely';
import type { OverdueOrders, OverduePending } from '../../domain/order/overdue-orders.ts';
import type { Context } from '../../domain/shared/context.ts';
import type { Database } from './database.ts';

/** One aggregate over the pending orders (the partial index `orders_pending_idx` holds only those). */
export class PostgresOverdueOrders implements OverdueOrders {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async overduePending(ctx: Context, olderThanMs: number): Promise<OverduePending> {
    const row = await this.#db
      .selectFrom('orders')
      .select([
        sql<string>`count(*)`.as('count'),
        sql<number | null>`extract(epoch from now() - min(created_at))::float8`.as('oldest'),
      ])
      .where('status', '=', 'pending')
      .where('created_at', '<', sql<Date>`now() - make_interval(secs => ${olderThanMs / 1000})`)
      .executeTakeFirstOrThrow({ signal: ctx.signal });
    return { count: Number(row.count), oldestAgeSeconds: row.oldest ?? 0 };
  }
}
