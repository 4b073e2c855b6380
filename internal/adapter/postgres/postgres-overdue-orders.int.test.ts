import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderRows } from '../../../test/support/orders-db.ts';
import { testContext } from '../../../test/support/test-context.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.ts';
import { PostgresOverdueOrders } from './postgres-overdue-orders.ts';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.drop();
});

describe('PostgresOverdueOrders', () => {
  it('when pending orders are older and younger than the threshold and one is paid, then only the old pending ones count, with the oldest age', async () => {
    const rows = orderRows(database);
    const user = await rows.user();
    const [old, older, fresh, paid] = [await rows.order(user), await rows.order(user), await rows.order(user), await rows.order(user)];
    await database.pool.query("UPDATE orders SET created_at = now() - interval '10 minutes' WHERE id = $1", [old]);
    await database.pool.query("UPDATE orders SET created_at = now() - interval '1 hour' WHERE id = $1", [older]);
    await database.pool.query("UPDATE orders SET created_at = now() - interval '2 hours', status = 'paid', authorization_id = 'auth-1' WHERE id = $1", [paid]);

    const overdue = await new PostgresOverdueOrders(database.db).overduePending(testContext(), 5 * 60_000);

    expect(overdue.count).toBe(2);
    expect(overdue.oldestAgeSeconds).toBeGreaterThanOrEqual(3_600);
    expect(overdue.oldestAgeSeconds).toBeLessThan(3_700);
    expect(fresh).toBeDefined();
  });

  it('when no order is overdue, then the count and the age are 0', async () => {
    await orderRows(database).truncate();

    expect(await new PostgresOverdueOrders(database.db).overduePending(testContext(), 60_000)).toEqual({ count: 0, oldestAgeSeconds: 0 });
  });
});
