import { randomBytes } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import type { TestDatabase } from './test-database.ts';

/** A product written straight to PostgreSQL: no cache has ever seen it. */
export async function insertColdProduct(database: TestDatabase, overrides: { name?: string; stock?: number } = {}): Promise<string> {
  const id = uuidv7();
  await database.pool.query(
    'INSERT INTO products (id, sku, name, description, price_amount, currency, stock) VALUES ($1, $2, $3, $4, $5, $6, $7)',
    [id, `SKU-${randomBytes(5).toString('hex')}`, overrides.name ?? 'Cold product', '', 1999, 'EUR', overrides.stock ?? 10],
  );
  return id;
}
