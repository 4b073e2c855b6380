import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { orderRows } from '../../../test/support/orders-db.ts';
import { testContext } from '../../../test/support/test-context.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.ts';
import { randomUUID } from 'node:crypto';
import { InsufficientStockError, OrderNotFoundError } from '../../domain/order/order.errors.ts';
import { describeStockReservationsContract } from '../../../test/contracts/stock-reservations.contract.ts';
import { createDatabase } from './database.ts';
import { PostgresStockReservations } from './postgres-stock-reservations.ts';

let database: TestDatabase;
let buyer: string;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.drop();
});

describeStockReservationsContract('PostgreSQL', async () => {
  const rows = orderRows(database);
  buyer = await rows.user();
  return {
    reservations: new PostgresStockReservations(database.db),
    givenProduct: (stock) => rows.product({ stock }),
    stockOf: (id) => rows.stockOf(id),
    givenOrder: () => rows.order(buyer),
    cleanup: () => rows.truncate(),
  };
});

describe('PostgresStockReservations', () => {
  const ctx = testContext();
  const rows = () => orderRows(database);

  afterEach(() => rows().truncate());

  it('when 100 orders of 1 race for a stock of 37, then exactly 37 are reserved, the stock ends at 0 and never goes below', async () => {
    const reservations = new PostgresStockReservations(database.db);
    const user = await rows().user();
    const mug = await rows().product({ stock: 37 });
    const orders: string[] = [];
    for (let i = 0; i < 100; i += 1) orders.push(await rows().order(user));

    const results = await Promise.allSettled(orders.map((order) => reservations.reserve(ctx, order, [{ productId: mug, quantity: 1 }])));

    const reserved = results.filter((result) => result.status === 'fulfilled');
    const refused = results.filter((result) => result.status === 'rejected');
    expect(reserved).toHaveLength(37);
    expect(refused.every((result) => result.reason instanceof InsufficientStockError)).toBe(true);
    expect(await rows().stockOf(mug)).toBe(0);
    const { rows: held } = await database.pool.query<{ count: string }>("SELECT count(*) FROM stock_reservations WHERE state = 'reserved'");
    expect(Number(held[0]?.count)).toBe(37);
    // Every successful reservation saw the stock it left behind: 36, 35, ... 0, each once.
    const left = reserved.map((result) => result.value[0]!.stock).sort((a, b) => a - b);
    expect(left).toEqual(Array.from({ length: 37 }, (_, i) => i));
  });

  it('when a reserved order is released twice, then the stock comes back once', async () => {
    const reservations = new PostgresStockReservations(database.db);
    const mug = await rows().product({ stock: 5 });
    const order = await rows().order(await rows().user(), mug);
    await reservations.reserve(ctx, order, [{ productId: mug, quantity: 5 }]);

    const [first, second] = [await reservations.release(ctx, order), await reservations.release(ctx, order)];

    expect(first.map((product) => product.stock)).toEqual([5]);
    expect(second).toEqual([]);
    expect(await rows().stockOf(mug)).toBe(5);
  });

  it('when the order does not exist, then reserve throws OrderNotFoundError and takes no stock', async () => {
    const reservations = new PostgresStockReservations(database.db);
    const mug = await rows().product({ stock: 5 });

    await expect(reservations.reserve(ctx, randomUUID(), [{ productId: mug, quantity: 1 }])).rejects.toBeInstanceOf(OrderNotFoundError);

    expect(await rows().stockOf(mug)).toBe(5);
  });

  it('when a reservation succeeds or is refused, then it took one statement and no transaction', async () => {
    const statements: string[] = [];
    const observed = createDatabase({ url: database.url, max: 2, connectionTimeoutMs: 5_000, statementTimeoutMs: 10_000, idleTimeoutMs: 10_000 }, () => undefined, (event) =>
      statements.push(event.sql),
    );
    try {
      const reservations = new PostgresStockReservations(observed.db);
      const mug = await rows().product({ stock: 1 });
      const user = await rows().user();
      const [first, second] = [await rows().order(user, mug), await rows().order(user, mug)];

      await reservations.reserve(ctx, first, [{ productId: mug, quantity: 1 }]);
      await expect(reservations.reserve(ctx, second, [{ productId: mug, quantity: 1 }])).rejects.toMatchObject({
        details: { lines: [{ productId: mug, requested: 1, available: 0 }] },
      });

      expect(statements).toHaveLength(2);
      const { rows: held } = await database.pool.query<{ order_id: string }>('SELECT order_id FROM stock_reservations');
      expect(held.map((row) => row.order_id)).toEqual([first]);
    } finally {
      await observed.close();
    }
  });

  it('when stock would go below zero around the adapter, then the database refuses it', async () => {
    const mug = await rows().product({ stock: 1 });

    await expect(database.pool.query('UPDATE products SET stock = stock - 2 WHERE id = $1', [mug])).rejects.toMatchObject({ code: '23514' });
  });
});
