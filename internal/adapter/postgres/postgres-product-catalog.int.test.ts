import { afterAll, beforeAll, expect, it } from 'vitest';
import { orderRows } from '../../../test/support/orders-db.ts';
import { testContext } from '../../../test/support/test-context.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.ts';
import { createDatabase } from './database.ts';
import { describeProductCatalogContract } from '../../../test/contracts/product-catalog.contract.ts';
import { PostgresProductCatalog } from './postgres-product-catalog.ts';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.drop();
});

describeProductCatalogContract('PostgreSQL', () => {
  const rows = orderRows(database);
  return { catalog: new PostgresProductCatalog(database.db), givenProduct: (priceMinor) => rows.product({ priceMinor }), cleanup: () => rows.truncate() };
});

it('when 50 products are looked up, then one query reads them all', async () => {
  const rows = orderRows(database);
  const ids: string[] = [];
  for (let i = 0; i < 50; i += 1) ids.push(await rows.product());
  const queries: string[] = [];
  const counted = createDatabase({ url: database.url, max: 2, connectionTimeoutMs: 5_000, statementTimeoutMs: 5_000, idleTimeoutMs: 1_000 }, () => undefined, ({ sql }) => queries.push(sql));
  try {
    const found = await new PostgresProductCatalog(counted.db).findMany(testContext(), ids);

    expect(found).toHaveLength(50);
    expect(queries).toHaveLength(1);
  } finally {
    await counted.close();
    await rows.truncate();
  }
});
