import { sql, type Kysely, type Transaction } from 'kysely';
import type { OrderLineInput } from '../../domain/order/order.ts';
import { InsufficientStockError, OrderNotFoundError, ReservationClosedError, UnknownProductError } from '../../domain/order/order.errors.ts';
import type { ReservationState, StockReservations } from '../../domain/order/stock-reservations.ts';
import type { Product } from '../../domain/product/product.ts';
import type { Context } from '../../domain/shared/context.ts';
import type { Database } from './database.ts';
import { FixedStatement } from './fixed-statement.ts';
import { translatePgError } from './pg-errors.ts';
import { productFromRow } from './product-row.ts';
import type { ProductRow } from './products.table.ts';

const FOREIGN_KEY_VIOLATION = '23503';

/** The first key of the two-key advisory locks that serialize the reservation calls of one order ('rsrv'). */
const RESERVATION_LOCK_SPACE = 0x72737276;

type ReserveRow = Partial<ProductRow> & {
  order_found: number;
  claimed: number;
  existing_state: ReservationState | null;
  locked_id: string | null;
  locked_stock: number | null;
};

/**
 * The reservation as one statement (see `reserve`), its text written once (a FixedStatement: every
 * placement runs it). $1 product ids, $2 quantities (same order), $3 the lock space, $4 the order id
 * as text (the advisory lock hashes it as `release` does), $5 the order id, $6 the number of products,
 * $7 the lines as stored.
 */
const RESERVE = new FixedStatement<ReserveRow>(`
  WITH wanted AS (
    SELECT * FROM unnest($1::uuid[], $2::int4[]) AS w(id, quantity)
  ), serialized AS (
    SELECT pg_advisory_xact_lock($3::int4, hashtext($4::text))
  ), the_order AS (
    SELECT id FROM orders WHERE id = $5::uuid AND EXISTS (SELECT 1 FROM serialized) FOR KEY SHARE
  ), locked AS (
    SELECT p.id, p.stock FROM products p
    WHERE p.id = ANY($1::uuid[]) AND EXISTS (SELECT 1 FROM the_order)
    ORDER BY p.id FOR UPDATE
  ), verdict AS (
    -- Reads every locked row, so all the locks are taken before anything is written.
    SELECT count(*) = $6::int8 AND coalesce(bool_and(l.stock >= w.quantity), false) AS servable
    FROM locked l JOIN wanted w ON w.id = l.id
  ), claimed AS (
    INSERT INTO stock_reservations (order_id, state, lines, reserved_at)
    SELECT $5::uuid, 'reserved', $7::jsonb, now() FROM verdict WHERE verdict.servable
    ON CONFLICT (order_id) DO NOTHING
    RETURNING order_id
  ), taken AS (
    -- No stock condition: the rows are locked and were checked, and a shortfall here (a bug) must fail
    -- the whole statement on the stock >= 0 check rather than commit half an order.
    UPDATE products AS p SET stock = p.stock - w.quantity, version = p.version + 1, updated_at = now()
    FROM wanted w
    WHERE p.id = w.id AND EXISTS (SELECT 1 FROM claimed)
    RETURNING p.*
  )
  SELECT (SELECT count(*) FROM the_order)::int4 AS order_found, (SELECT count(*) FROM claimed)::int4 AS claimed,
    (SELECT state FROM stock_reservations WHERE order_id = $5::uuid) AS existing_state,
    l.id AS locked_id, l.stock AS locked_stock, t.*
  FROM (SELECT 1) AS one LEFT JOIN (locked l LEFT JOIN taken t ON t.id = l.id) ON true`);

/**
 * Stock held for orders, one row per order in `stock_reservations`. Calls
 * for one order run one after the other (a transaction-scoped advisory lock
 * on the order, taken first); the products are locked in id order (so calls
 * for orders sharing products never deadlock) and changed with updates that
 * can never take stock below zero.
 *
 * They are locked FOR UPDATE, not FOR NO KEY UPDATE: with the weaker lock the
 * foreign key checks of order lines being inserted share the rows, and the
 * update that follows in the same statement was seen to deadlock with other
 * reservations waiting for the rows (100 placements racing for one product).
 */
export class PostgresStockReservations implements StockReservations {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  /**
   * One statement, so one round trip, atomic without a transaction: the
   * order lock, the products locked in id order and checked, and only when
   * every line can be served, the claim of the order's reservation and the
   * stock taken. Nothing is written otherwise, so nothing needs rolling back.
   */
  async reserve(ctx: Context, orderId: string, lines: readonly OrderLineInput[]): Promise<Product[]> {
    const wanted = inIdOrder(lines.map((line) => ({ productId: line.productId, quantity: line.quantity })));
    const stored = JSON.stringify(wanted.map((line) => ({ product_id: line.productId, quantity: line.quantity })));
    const ids = wanted.map((line) => line.productId);
    let rows: ReserveRow[];
    try {
      ({ rows } = await RESERVE.execute(this.#db, [ids, wanted.map((line) => line.quantity), RESERVATION_LOCK_SPACE, orderId, orderId, ids.length, stored], ctx.signal));
    } catch (error) {
      throw translatePgError(error);
    }
    const summary = rows[0]!;
    if (summary.order_found === 0) throw new OrderNotFoundError(orderId);
    if (summary.claimed === 1) {
      const taken = rows.filter((row) => row.id !== undefined && row.id !== null).map((row) => productFromRow(row as ProductRow));
      if (taken.length !== wanted.length) throw new Error(`reserving order ${orderId} changed ${taken.length} of ${wanted.length} products`);
      return taken.sort(byId);
    }

    // Nothing was written: the order holds a reservation already (or was released), or its lines cannot be served.
    const stock = new Map(rows.filter((row) => row.locked_id !== null).map((row) => [row.locked_id!, row.locked_stock!]));
    const servable = wanted.every((line) => (stock.get(line.productId) ?? -1) >= line.quantity);
    // Servable, yet not claimed: a reservation the statement's snapshot did not show (one committed
    // while this call waited for the order's lock) took the claim. Read what it is.
    const existing = summary.existing_state ?? (servable ? await this.stateOf(ctx, orderId) : 'none');
    if (existing === 'reserved') return [];
    if (existing === 'released') throw new ReservationClosedError(orderId);
    const unknown = ids.filter((id) => !stock.has(id));
    if (unknown.length > 0) throw new UnknownProductError(unknown);
    const short = wanted
      .filter((line) => stock.get(line.productId)! < line.quantity)
      .map((line) => ({ productId: line.productId, requested: line.quantity, available: stock.get(line.productId)! }));
    if (short.length > 0) throw new InsufficientStockError(short);
    throw new Error(`reserving order ${orderId} neither took stock nor found why not`);
  }

  async release(ctx: Context, orderId: string): Promise<Product[]> {
    return this.#inTransaction(orderId, async (trx) => {
      // Nothing reserved yet: record the release, so a reservation still on its way cannot land.
      // The order's lock first, as reserve takes it; held until commit.
      const { rows: first } = await sql<{ order_id: string }>`
        WITH serialized AS (
          SELECT pg_advisory_xact_lock(${RESERVATION_LOCK_SPACE}::int4, hashtext(${orderId}::text))
        )
        INSERT INTO stock_reservations (order_id, state, lines, released_at)
        SELECT ${orderId}, 'released', '[]'::jsonb, now() FROM serialized
        ON CONFLICT (order_id) DO NOTHING
        RETURNING order_id`.execute(trx, { signal: ctx.signal });
      if (first.length > 0) return [];

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
