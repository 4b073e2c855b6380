import { sql, type Kysely, type Transaction } from 'kysely';
import type { OrderLineInput } from '../../domain/order/order.ts';
import { InsufficientStockError, OrderNotFoundError, ReservationClosedError, UnknownProductError } from '../../domain/order/order.errors.ts';
import type { ReservationState, StockReservations } from '../../domain/order/stock-reservations.ts';
import type { Product } from '../../domain/product/product.ts';
import type { Context } from '../../domain/shared/context.ts';
import type { Database } from './database.ts';
import { translatePgError } from './pg-errors.ts';
import { productFromRow } from './product-row.ts';
import type { ProductRow } from './products.table.ts';

const FOREIGN_KEY_VIOLATION = '23503';

/**
 * Stock held for orders, one row per order in `stock_reservations`. Each
 * call is one transaction: the order's row there is claimed first (so calls
 * for one order run one after the other), then the products are locked in id
 * order (so calls for orders sharing products never deadlock) and changed
 * with conditional updates that can never take stock below zero.
 */
export class PostgresStockReservations implements StockReservations {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async reserve(ctx: Context, orderId: string, lines: readonly OrderLineInput[]): Promise<Product[]> {
    const wanted = inIdOrder(lines.map((line) => ({ productId: line.productId, quantity: line.quantity })));
    const stored = JSON.stringify(wanted.map((line) => ({ product_id: line.productId, quantity: line.quantity })));
    return this.#inTransaction(orderId, async (trx) => {
      const claimed = await trx
        .insertInto('stock_reservations')
        .values({ order_id: orderId, state: 'reserved', lines: stored, reserved_at: sql<Date>`now()` })
        .onConflict((conflict) => conflict.column('order_id').doNothing())
        .returning('order_id')
        .executeTakeFirst({ signal: ctx.signal });
      if (!claimed) {
        const existing = await trx.selectFrom('stock_reservations').select('state').where('order_id', '=', orderId).executeTakeFirstOrThrow({ signal: ctx.signal });
        if (existing.state === 'reserved') return [];
        throw new ReservationClosedError(orderId);
      }

      const ids = wanted.map((line) => line.productId);
      const locked = await trx.selectFrom('products').select(['id', 'stock']).where('id', 'in', ids).orderBy('id').forUpdate().execute({ signal: ctx.signal });
      const stock = new Map(locked.map((row) => [row.id, row.stock]));
      const unknown = ids.filter((id) => !stock.has(id));
      if (unknown.length > 0) throw new UnknownProductError(unknown);
      const short = wanted
        .filter((line) => stock.get(line.productId)! < line.quantity)
        .map((line) => ({ productId: line.productId, requested: line.quantity, available: stock.get(line.productId)! }));
      if (short.length > 0) throw new InsufficientStockError(short);

      const { rows } = await sql<ProductRow>`
        UPDATE products AS p SET stock = p.stock - w.quantity, version = p.version + 1, updated_at = now()
        FROM unnest(${ids}::uuid[], ${wanted.map((line) => line.quantity)}::int[]) AS w(id, quantity)
        WHERE p.id = w.id AND p.stock >= w.quantity
        RETURNING p.*`.execute(trx, { signal: ctx.signal });
      // The rows are locked and were checked: a shortfall here would be a bug, and must not commit half an order.
      if (rows.length !== wanted.length) throw new Error(`reserving order ${orderId} changed ${rows.length} of ${wanted.length} products`);
      return rows.map(productFromRow).sort(byId);
    });
  }

  async release(ctx: Context, orderId: string): Promise<Product[]> {
    return this.#inTransaction(orderId, async (trx) => {
      // Nothing reserved yet: record the release, so a reservation still on its way cannot land.
      const first = await trx
        .insertInto('stock_reservations')
        .values({ order_id: orderId, state: 'released', lines: '[]', released_at: sql<Date>`now()` })
        .onConflict((conflict) => conflict.column('order_id').doNothing())
        .returning('order_id')
        .executeTakeFirst({ signal: ctx.signal });
      if (first) return [];

      const released = await trx
        .updateTable('stock_reservations')
        .set({ state: 'released', released_at: sql<Date>`now()` })
        .where('order_id', '=', orderId)
        .where('state', '=', 'reserved')
        .returning('lines')
        .executeTakeFirst({ signal: ctx.signal });
      if (!released) return [];

      const held = inIdOrder(released.lines.map((line) => ({ productId: line.product_id, quantity: line.quantity })));
      const ids = held.map((line) => line.productId);
      await trx.selectFrom('products').select('id').where('id', 'in', ids).orderBy('id').forUpdate().execute({ signal: ctx.signal });
      const { rows } = await sql<ProductRow>`
        UPDATE products AS p SET stock = p.stock + w.quantity, version = p.version + 1, updated_at = now()
        FROM unnest(${ids}::uuid[], ${held.map((line) => line.quantity)}::int[]) AS w(id, quantity)
        WHERE p.id = w.id
        RETURNING p.*`.execute(trx, { signal: ctx.signal });
      return rows.map(productFromRow).sort(byId);
    });
  }

  async stateOf(ctx: Context, orderId: string): Promise<ReservationState> {
    try {
      const row = await this.#db.selectFrom('stock_reservations').select('state').where('order_id', '=', orderId).executeTakeFirst({ signal: ctx.signal });
      return row?.state ?? 'none';
    } catch (error) {
      throw translatePgError(error);
    }
  }

  async #inTransaction<T>(orderId: string, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    try {
      return await this.#db.transaction().execute(work);
    } catch (error) {
      if ((error as { code?: unknown }).code === FOREIGN_KEY_VIOLATION) throw new OrderNotFoundError(orderId);
      throw translatePgError(error);
    }
  }
}

function inIdOrder(lines: OrderLineInput[]): OrderLineInput[] {
  const sorted = lines.sort((a, b) => (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0));
  if (sorted.some((line, i) => i > 0 && line.productId === sorted[i - 1]!.productId)) throw new Error('a reservation names a product twice');
  return sorted;
}

function byId(a: Product, b: Product): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
