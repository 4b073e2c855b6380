import { sql, type Kysely } from 'kysely';
import type { ProductSales, ProductSalesStore, SalesLine } from '../../domain/events/product-sales.ts';
import type { Database } from './database.ts';
import { toSafeInteger } from './pg-int8.ts';

/** The `product_sales` read model; `inbox` makes each event count once. */
export class PostgresProductSalesStore implements ProductSalesStore {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async applyOnce(consumer: string, eventId: string, lines: readonly SalesLine[], sign: 1 | -1, signal?: AbortSignal): Promise<boolean> {
    const options = signal ? { signal } : {};
    return this.#db.transaction().execute(async (trx) => {
      const claimed = await trx.insertInto('inbox').values({ consumer, event_id: eventId }).onConflict((oc) => oc.doNothing()).returning('event_id').executeTakeFirst(options);
      if (!claimed) return false;
      // Product ids in order, so two events of overlapping products cannot deadlock.
      for (const line of [...lines].sort((a, b) => a.productId.localeCompare(b.productId))) {
        await sql`
          INSERT INTO product_sales (product_id, units_sold, revenue_minor, currency, orders_count)
          VALUES (${line.productId}, ${sign * line.quantity}, ${sign * line.amountMinor}, ${line.currency}, ${sign})
          ON CONFLICT (product_id) DO UPDATE SET
            units_sold = product_sales.units_sold + EXCLUDED.units_sold,
            revenue_minor = product_sales.revenue_minor + EXCLUDED.revenue_minor,
            orders_count = product_sales.orders_count + EXCLUDED.orders_count,
            updated_at = now()`.execute(trx, options);
      }
      return true;
    });
  }

  async bestSellers(limit: number, signal?: AbortSignal): Promise<ProductSales[]> {
    const rows = await this.#db.selectFrom('product_sales').selectAll().orderBy('units_sold', 'desc').orderBy('product_id').limit(limit).execute(signal ? { signal } : {});
    return rows.map((row) => ({
      productId: row.product_id,
      unitsSold: toSafeInteger(row.units_sold, 'units_sold'),
      revenueMinor: toSafeInteger(row.revenue_minor, 'revenue_minor'),
      currency: row.currency,
      ordersCount: toSafeInteger(row.orders_count, 'orders_count'),
      updatedAt: row.updated_at,
    }));
  }
}
