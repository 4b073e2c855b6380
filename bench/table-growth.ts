import { sql, type Kysely } from 'kysely';
import type { Database } from '../internal/adapter/postgres/database.ts';
import { PRODUCT_STOCK } from './seed.ts';

const CHUNK = 250_000;

/**
 * Grows a table to `rows` rows inside PostgreSQL (generate_series, one
 * statement per 250k rows), so that a million rows take seconds rather than
 * a million round trips; then ANALYZE, so the planner knows the new size.
 * Grown users have no password and no role; grown products have the bench's
 * full stock, so the stock check still holds.
 */
export async function growTable(db: Kysely<Database>, table: 'users' | 'products', rows: number, log: (line: string) => void): Promise<void> {
  const started = performance.now();
  const { rows: counted } = await sql<{ n: string }>`SELECT count(*) AS n FROM ${sql.table(table)}`.execute(db);
  const have = Number(counted[0]?.n ?? 0);
  for (let from = have + 1; from <= rows; from += CHUNK) {
    const to = Math.min(rows, from + CHUNK - 1);
    if (table === 'users') {
      await sql`
        INSERT INTO users (id, name, email)
        SELECT gen_random_uuid(), 'Grown user ' || n, 'grown-' || n || '@example.com' FROM generate_series(${from}::integer, ${to}::integer) AS n`.execute(db);
    } else {
      await sql`
        INSERT INTO products (id, sku, name, description, price_amount, currency, stock)
        SELECT gen_random_uuid(), 'GROWN-' || n, 'Grown product ' || n, 'A product of the benchmark data set.', 100 + (n * 7919) % 9900, 'EUR', ${PRODUCT_STOCK}::integer
        FROM generate_series(${from}::integer, ${to}::integer) AS n`.execute(db);
    }
  }
  await sql`ANALYZE ${sql.table(table)}`.execute(db);
  log(`${table}: ${have} → ${Math.max(have, rows)} rows in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
