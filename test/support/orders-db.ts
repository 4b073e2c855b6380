import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { TestDatabase } from './test-database.ts';

/** Rows the order tables point at, written straight to PostgreSQL. */
export function orderRows(database: TestDatabase) {
  return {
    async user(): Promise<string> {
      const id = uuidv7();
      await database.pool.query('INSERT INTO users (id, name, email) VALUES ($1, $2, $3)', [id, 'Buyer', `buyer-${id}@example.com`]);
      return id;
    },

    async product(overrides: { stock?: number; priceMinor?: number; currency?: string } = {}): Promise<string> {
      const id = uuidv7();
      await database.pool.query('INSERT INTO products (id, sku, name, price_amount, currency, stock) VALUES ($1, $2, $3, $4, $5, $6)', [
        id,
        `SKU-${randomBytes(6).toString('hex')}`,
        'Product',
        overrides.priceMinor ?? 1250,
        overrides.currency ?? 'EUR',
        overrides.stock ?? 10,
      ]);
      return id;
    },

    /** A pending order of one line of `productId` (a new product when not given). */
    async order(userId: string, productId?: string): Promise<string> {
      const id = uuidv7();
      const product = productId ?? (await this.product());
      await database.pool.query("INSERT INTO orders (id, user_id, currency, total_amount) VALUES ($1, $2, 'EUR', 1250)", [id, userId]);
      await database.pool.query('INSERT INTO order_lines (order_id, product_id, position, quantity, unit_price) VALUES ($1, $2, 0, 1, 1250)', [id, product]);
      return id;
    },

    async stockOf(productId: string): Promise<number> {
      const { rows } = await database.pool.query<{ stock: number }>('SELECT stock FROM products WHERE id = $1', [productId]);
      return rows[0]?.stock ?? Number.NaN;
    },

    async truncate(): Promise<void> {
      await sql`TRUNCATE idempotency_keys, stock_reservations, order_lines, orders, products, sessions, user_roles, users CASCADE`.execute(database.db);
    },
  };
}
