import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderRows } from '../../../test/support/orders-db.ts';
import { testContext } from '../../../test/support/test-context.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.ts';
import { describeIdempotencyStoreContract } from '../../../test/contracts/idempotency-store.contract.ts';
import { PostgresIdempotencyStore } from './postgres-idempotency-store.ts';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.drop();
});

describeIdempotencyStoreContract('PostgreSQL', () => {
  const rows = orderRows(database);
  return { store: new PostgresIdempotencyStore(database.db), givenUser: () => rows.user(), cleanup: () => rows.truncate() };
});

describe('PostgresIdempotencyStore', () => {
  it('when 20 requests with one expired key begin at once, then exactly one takes it over', async () => {
    const store = new PostgresIdempotencyStore(database.db);
    const ctx = testContext();
    const user = await orderRows(database).user();
    const fingerprint = createHash('sha256').update('body').digest('hex');
    await store.begin(ctx, { userId: user, key: 'k', fingerprint, ttlMs: 1 });
    await new Promise((resolve) => setTimeout(resolve, 20));

    const results = await Promise.all(Array.from({ length: 20 }, () => store.begin(ctx, { userId: user, key: 'k', fingerprint, ttlMs: 60_000 })));

    expect(results.filter((result) => result.state === 'new')).toHaveLength(1);
  });

  it('when a user is deleted, then their idempotency records go with them', async () => {
    const store = new PostgresIdempotencyStore(database.db);
    const user = await orderRows(database).user();
    await store.begin(testContext(), { userId: user, key: 'k', fingerprint: 'a'.repeat(64), ttlMs: 60_000 });

    await database.pool.query('DELETE FROM users WHERE id = $1', [user]);

    const { rows } = await database.pool.query('SELECT 1 FROM idempotency_keys WHERE user_id = $1', [user]);
    expect(rows).toEqual([]);
  });
});
