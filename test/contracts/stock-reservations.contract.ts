import { v7 as uuidv7 } from 'uuid';
import { testContext } from '../support/test-context.ts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InsufficientStockError, ReservationClosedError, UnknownProductError } from '../../internal/domain/order/order.errors.ts';
import type { StockReservations } from '../../internal/domain/order/stock-reservations.ts';

export interface StockReservationsFixture {
  readonly reservations: StockReservations;
  /** A product with this much stock; returns its id. */
  readonly givenProduct: (stock: number) => Promise<string>;
  readonly stockOf: (productId: string) => Promise<number>;
  /** An order stock may be reserved for (PostgreSQL checks the foreign key). */
  readonly givenOrder: () => Promise<string>;
  /** Leaves the store as empty as `setup` found it. */
  readonly cleanup: () => void | Promise<void>;
}

// Built here rather than imported from test/: production folders may not import test code.

/**
 * The behaviour every `StockReservations` adapter must show. `setup` runs
 * before each test and must hand out an empty store; `cleanup` runs after it.
 */
export function describeStockReservationsContract(name: string, setup: () => StockReservationsFixture | Promise<StockReservationsFixture>): void {
  describe(`StockReservations contract: ${name}`, () => {
    const ctx = testContext();
    let fixture: StockReservationsFixture;
    let reservations: StockReservations;

    beforeEach(async () => {
      fixture = await setup();
      reservations = fixture.reservations;
    });

    afterEach(async () => {
      await fixture.cleanup();
    });

    const stocksOf = (ids: readonly string[]) => Promise.all(ids.map((id) => fixture.stockOf(id)));

    describe('reserve', () => {
      it('when every line is covered, then each stock goes down and the changed products come back as saved', async () => {
        const [mug, cup] = [await fixture.givenProduct(10), await fixture.givenProduct(3)];
        const order = await fixture.givenOrder();

        const changed = await reservations.reserve(ctx, order, [
          { productId: mug, quantity: 4 },
          { productId: cup, quantity: 3 },
        ]);

        expect(await stocksOf([mug, cup])).toEqual([6, 0]);
        expect(changed.map((product) => [product.id, product.stock, product.version]).sort()).toEqual(
          [
            [mug, 6, 2],
            [cup, 0, 2],
          ].sort(),
        );
        expect(await reservations.stateOf(ctx, order)).toBe('reserved');
      });

      it('when some lines are short, then InsufficientStockError names every short line and nothing is reserved', async () => {
        const [mug, cup, pot] = [await fixture.givenProduct(10), await fixture.givenProduct(1), await fixture.givenProduct(0)];
        const order = await fixture.givenOrder();

        const error = await reservations
          .reserve(ctx, order, [
            { productId: mug, quantity: 5 },
            { productId: cup, quantity: 2 },
            { productId: pot, quantity: 1 },
          ])
          .catch((caught: unknown) => caught);

        expect(error).toBeInstanceOf(InsufficientStockError);
        const lines = (error as InsufficientStockError).details.lines;
        expect([...lines].sort((a, b) => (a.productId < b.productId ? -1 : 1))).toEqual(
          [
            { productId: cup, requested: 2, available: 1 },
            { productId: pot, requested: 1, available: 0 },
          ].sort((a, b) => (a.productId < b.productId ? -1 : 1)),
        );
        expect(await stocksOf([mug, cup, pot])).toEqual([10, 1, 0]);
        expect(await reservations.stateOf(ctx, order)).toBe('none');
      });

      it('when a short reservation failed, then the order may still be reserved later', async () => {
        const mug = await fixture.givenProduct(1);
        const order = await fixture.givenOrder();
        await expect(reservations.reserve(ctx, order, [{ productId: mug, quantity: 2 }])).rejects.toBeInstanceOf(InsufficientStockError);

        await reservations.reserve(ctx, order, [{ productId: mug, quantity: 1 }]);

        expect(await fixture.stockOf(mug)).toBe(0);
      });

      it('when a product does not exist, then UnknownProductError names it and nothing is reserved', async () => {
        const mug = await fixture.givenProduct(10);
        const ghost = uuidv7();
        const order = await fixture.givenOrder();

        const error = await reservations
          .reserve(ctx, order, [
            { productId: mug, quantity: 1 },
            { productId: ghost, quantity: 1 },
          ])
          .catch((caught: unknown) => caught);

        expect(error).toBeInstanceOf(UnknownProductError);
        expect((error as UnknownProductError).details.productIds).toEqual([ghost]);
        expect(await fixture.stockOf(mug)).toBe(10);
      });

      it('when an order is reserved twice, then the stock is taken once and the repeat changes nothing', async () => {
        const mug = await fixture.givenProduct(10);
        const order = await fixture.givenOrder();
        await reservations.reserve(ctx, order, [{ productId: mug, quantity: 4 }]);

        const again = await reservations.reserve(ctx, order, [{ productId: mug, quantity: 4 }]);

        expect(again).toEqual([]);
        expect(await fixture.stockOf(mug)).toBe(6);
      });

      it('when 20 orders of 1 race for a stock of 7, then exactly 7 are reserved and the stock ends at 0', async () => {
        const mug = await fixture.givenProduct(7);
        const orders = await Promise.all(Array.from({ length: 20 }, () => fixture.givenOrder()));

        const results = await Promise.allSettled(orders.map((order) => reservations.reserve(ctx, order, [{ productId: mug, quantity: 1 }])));

        expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(7);
        expect(results.filter((result) => result.status === 'rejected').every((result) => result.reason instanceof InsufficientStockError)).toBe(true);
        expect(await fixture.stockOf(mug)).toBe(0);
      });

      it('when orders name the same products in opposite orders and race, then all are reserved (no deadlock)', async () => {
        const products = [await fixture.givenProduct(100), await fixture.givenProduct(100), await fixture.givenProduct(100)];
        const orders = await Promise.all(Array.from({ length: 10 }, () => fixture.givenOrder()));

        await Promise.all(
          orders.map((order, i) => {
            const lines = products.map((productId) => ({ productId, quantity: 1 }));
            return reservations.reserve(ctx, order, i % 2 === 0 ? lines : lines.reverse());
          }),
        );

        expect(await stocksOf(products)).toEqual([90, 90, 90]);
      });
    });

    describe('release', () => {
      it('when a reserved order is released, then its stock comes back and the changed products are returned', async () => {
        const [mug, cup] = [await fixture.givenProduct(10), await fixture.givenProduct(5)];
        const order = await fixture.givenOrder();
        await reservations.reserve(ctx, order, [
          { productId: mug, quantity: 4 },
          { productId: cup, quantity: 5 },
        ]);

        const changed = await reservations.release(ctx, order);

        expect(await stocksOf([mug, cup])).toEqual([10, 5]);
        expect(changed.map((product) => [product.id, product.stock, product.version]).sort()).toEqual(
          [
            [mug, 10, 3],
            [cup, 5, 3],
          ].sort(),
        );
        expect(await reservations.stateOf(ctx, order)).toBe('released');
      });

      it('when an order is released twice, or ten times at once, then its stock comes back once', async () => {
        const mug = await fixture.givenProduct(10);
        const [once, racing] = [await fixture.givenOrder(), await fixture.givenOrder()];
        await reservations.reserve(ctx, once, [{ productId: mug, quantity: 3 }]);
        await reservations.reserve(ctx, racing, [{ productId: mug, quantity: 2 }]);

        await reservations.release(ctx, once);
        const second = await reservations.release(ctx, once);
        await Promise.all(Array.from({ length: 10 }, () => reservations.release(ctx, racing)));

        expect(second).toEqual([]);
        expect(await fixture.stockOf(mug)).toBe(10);
      });

      it('when an order is released before it was reserved, then nothing changes and a late reservation is refused', async () => {
        const mug = await fixture.givenProduct(10);
        const order = await fixture.givenOrder();

        const released = await reservations.release(ctx, order);
        const reserving = reservations.reserve(ctx, order, [{ productId: mug, quantity: 1 }]);

        expect(released).toEqual([]);
        await expect(reserving).rejects.toBeInstanceOf(ReservationClosedError);
        expect(await fixture.stockOf(mug)).toBe(10);
        expect(await reservations.stateOf(ctx, order)).toBe('released');
      });

      it('when a reservation and a release of one order race, then the stock ends where it started', async () => {
        const mug = await fixture.givenProduct(10);
        const orders = await Promise.all(Array.from({ length: 10 }, () => fixture.givenOrder()));

        await Promise.allSettled(orders.flatMap((order) => [reservations.reserve(ctx, order, [{ productId: mug, quantity: 1 }]), reservations.release(ctx, order)]));

        expect(await fixture.stockOf(mug)).toBe(10);
      });
    });

    describe('cancellation', () => {
      it('when the context is already aborted, then reserve rejects and nothing is reserved', async () => {
        const mug = await fixture.givenProduct(10);
        const order = await fixture.givenOrder();
        const controller = new AbortController();
        controller.abort(new Error('the caller went away'));

        await expect(reservations.reserve({ ...ctx, signal: controller.signal }, order, [{ productId: mug, quantity: 1 }])).rejects.toBeDefined();
        expect(await fixture.stockOf(mug)).toBe(10);
        expect(await reservations.stateOf(ctx, order)).toBe('none');
      });
    });
  });
}
