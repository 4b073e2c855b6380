import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { orderRows } from '../../../test/support/orders-db.ts';
import { testContext } from '../../../test/support/test-context.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.ts';
import { InsufficientStockError } from '../../domain/order/order.errors.ts';
import { describeStockReservationsContract } from '../../domain/order/stock-reservations.contract.ts';
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

  it('when stock would go below zero around the adapter, then the database refuses it', async () => {
    const mug = await rows().product({ stock: 1 });

    await expect(database.pool.query('UPDATE products SET stock = stock - 2 WHERE id = $1', [mug])).rejects.toMatchObject({ code: '23514' });
  });
});
