import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testContext } from '../../../test/support/test-context.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.ts';
import { changeProduct, newProduct } from '../../domain/product/product.ts';
import { SkuTakenError } from '../../domain/product/product.errors.ts';
import { describeProductRepositoryContract } from '../../../test/contracts/product-repository.contract.ts';
import { ANY_VERSION } from '../../domain/shared/version.ts';
import { PostgresProductRepository } from './postgres-product-repository.ts';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.drop();
});

const emptyTables = async () => {
  await sql`TRUNCATE products CASCADE`.execute(database.db);
};

describeProductRepositoryContract('PostgreSQL', () => ({
  repo: new PostgresProductRepository(database.db),
  cleanup: emptyTables,
}));

describe('PostgresProductRepository', () => {
  const ctx = testContext();
  let repo: PostgresProductRepository;

  beforeEach(() => {
    repo = new PostgresProductRepository(database.db);
  });

  afterEach(emptyTables);

  const aProduct = (sku: string) => newProduct(uuidv7(), { sku, name: 'Mug', price: { amountMinor: 1250, currency: 'EUR' }, stock: 3 });

  it('when 10 creates with one SKU in different letter cases race, then exactly one succeeds and the others get SkuTakenError', async () => {
    const skus = Array.from({ length: 10 }, (_, i) => withCasePattern('race-mug', i));

    const results = await Promise.allSettled(skus.map((sku) => repo.create(ctx, aProduct(sku))));

    const succeeded = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    const failed = results.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
    expect(new Set(skus).size).toBe(10);
    expect(succeeded).toHaveLength(1);
    expect(failed.every((error) => error instanceof SkuTakenError)).toBe(true);
    expect(await repo.list(ctx, { limit: 20 })).toEqual(succeeded);
  });

  it('when an update waits for a transaction that changes the price, then it builds on the committed row', async () => {
    const mug = await repo.create(ctx, aProduct('MUG'));
    const other = await database.pool.connect();
    try {
      await other.query('BEGIN');
      await other.query('UPDATE products SET price_amount = 4294967296, currency = $2, version = version + 1 WHERE id = $1', [mug.id, 'USD']);
      const waiting = repo.update(ctx, mug.id, ANY_VERSION, (product) => changeProduct(product, { stock: 9 }));
      await untilSomeoneWaitsForALock();
      await other.query('COMMIT');

      const updated = await waiting;

      expect(updated).toMatchObject({ price: { amountMinor: 2 ** 32, currency: 'USD' }, stock: 9, version: 3 });
      expect(await repo.findById(ctx, mug.id)).toEqual(updated);
    } finally {
      // Destroyed, not returned: a failed assertion may have left its transaction open.
      other.release(true);
    }
  });

  it.each([
    ['a negative price', `'A-1', 'x', -1, 'EUR', 0`],
    ['a price above the maximum', `'A-1', 'x', 100000000000001, 'EUR', 0`],
    ['a lower-case currency', `'A-1', 'x', 1, 'eur', 0`],
    ['a two-letter currency', `'A-1', 'x', 1, 'EU', 0`],
    ['negative stock', `'A-1', 'x', 1, 'EUR', -1`],
    ['an empty name', `'A-1', '', 1, 'EUR', 0`],
    ['a SKU with a space', `'A 1', 'x', 1, 'EUR', 0`],
    ['a SKU starting with a dash', `'-A1', 'x', 1, 'EUR', 0`],
    ['a SKU of 65 characters', `'${'A'.repeat(65)}', 'x', 1, 'EUR', 0`],
  ])('when a row with %s is written around the domain, then the database refuses it', async (_, values) => {
    const inserting = sql`INSERT INTO products (id, sku, name, price_amount, currency, stock) VALUES (${uuidv7()}, ${sql.raw(values)})`.execute(
      database.db,
    );

    await expect(inserting).rejects.toMatchObject({ code: '23514' });
  });

  it('when listing by a selective name prefix in a large table, then the name prefix index is used', async () => {
    await sql`
      INSERT INTO products (id, sku, name, price_amount, currency, stock)
      SELECT gen_random_uuid(), 'BULK-' || i, 'Item ' || i, 100, 'EUR', 1 FROM generate_series(1, 5000) AS i`.execute(database.db);
    await repo.create(ctx, newProduct(uuidv7(), { sku: 'LAMP', name: 'Lava lamp', price: { amountMinor: 1, currency: 'EUR' } }));
    await sql`ANALYZE products`.execute(database.db);
    const client = await database.pool.connect();
    try {
      // The parameter is bound as the repository binds it, so the plan is the one it gets.
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN SELECT * FROM products WHERE lower(name) LIKE (lower($1) || '%') ORDER BY id LIMIT 21`,
        ['lava'],
      );

      expect(rows.map((row) => row['QUERY PLAN']).join('\n')).toContain('products_name_prefix_idx');
    } finally {
      client.release();
    }
  });
});

// Upper-cases the letters whose position is a set bit of `pattern`: distinct patterns, distinct spellings.
function withCasePattern(text: string, pattern: number): string {
  return [...text].map((char, i) => ((pattern >> i) & 1 ? char.toUpperCase() : char)).join('');
}

async function untilSomeoneWaitsForALock(): Promise<void> {
  for (;;) {
    const { rows } = await sql<{ waiting: boolean }>`
      SELECT exists(SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock') AS waiting`.execute(database.db);
    if (rows[0]?.waiting) return;
  }
}
