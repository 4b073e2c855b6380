import { v7 as uuidv7 } from 'uuid';
import { beforeEach, describe, expect, it } from 'vitest';
import { orderOf, orderWorld, type OrderWorld } from '../../../test/support/order-world.ts';
import { ForbiddenError } from '../../domain/identity/identity.errors.ts';
import type { Order } from '../../domain/order/order.ts';
import { InsufficientStockError, ReservationClosedError } from '../../domain/order/order.errors.ts';
import type { Product } from '../../domain/product/product.ts';
import { RecoverPendingOrders } from './recover-pending-orders.use-case.ts';

const MINUTE = 60_000;
let world: OrderWorld;
let recover: RecoverPendingOrders;
let mug: Product;

beforeEach(async () => {
  world = orderWorld();
  recover = new RecoverPendingOrders(world.orders, world.reservations, world.gateway, { olderThanMs: 5 * MINUTE, batchSize: 10 });
  mug = await world.product({ stock: 10 });
});

/** A pending order as a crash leaves it: created, then only the steps asked for. */
async function aPendingOrder(steps: { reserved?: boolean; cardToken?: string } = {}): Promise<Order> {
  const order = await world.orders.create(world.system, { id: uuidv7(), userId: uuidv7(), lines: [{ productId: mug.id, quantity: 2, unitPrice: mug.price }], total: { amountMinor: 2 * mug.price.amountMinor, currency: 'EUR' } });
  if (steps.reserved) await world.reservations.reserve(world.system, order.id, order.lines);
  if (steps.cardToken) await world.gateway.authorize(world.system, { idempotencyKey: order.id, amount: order.total, cardToken: steps.cardToken });
  return order;
}

const statusOf = async (order: Order) => (await world.orders.findById(world.system, order.id))!;

describe('RecoverPendingOrders', () => {
  it.each<[string, { reserved?: boolean; cardToken?: string }, object, number, string]>([
    ['reserved and approved', { reserved: true, cardToken: 'tok_approved' }, { status: 'paid' }, 8, 'approved'],
    ['approved but not reserved', { cardToken: 'tok_approved' }, { status: 'rejected', failureCode: 'stock_not_reserved' }, 10, 'voided'],
    ['reserved and declined', { reserved: true, cardToken: 'tok_declined' }, { status: 'payment_failed', failureCode: 'card_declined' }, 10, 'declined'],
    ['reserved, never authorized', { reserved: true }, { status: 'payment_failed', failureCode: 'payment_not_completed' }, 10, 'none'],
    ['neither reserved nor authorized', {}, { status: 'payment_failed', failureCode: 'payment_not_completed' }, 10, 'none'],
  ])('when an order was left %s, then recovery resolves it as its request would have', async (_, steps, expected, stock, gatewayState) => {
    const order = await aPendingOrder(steps);
    world.advance(6 * MINUTE);

    const report = await recover.execute(world.system);

    expect(await statusOf(order)).toMatchObject(expected);
    expect(report.resolved).toEqual([{ orderId: order.id, status: (expected as { status: string }).status }]);
    expect(await world.stockOf(mug.id)).toBe(stock);
    expect(world.gateway.authorizationFor(order.id)?.state ?? 'none').toBe(gatewayState);
  });

  it('when the order was paid by recovery, then it carries the authorization', async () => {
    const order = await aPendingOrder({ reserved: true, cardToken: 'tok_approved' });
    world.advance(6 * MINUTE);

    await recover.execute(world.system);

    expect((await statusOf(order)).authorizationId).toBe(world.gateway.authorizationFor(order.id)?.authorizationId);
  });

  it('when a reservation arrives after recovery failed the order, then it is refused and the stock stays', async () => {
    const order = await aPendingOrder({ cardToken: 'tok_approved' });
    world.advance(6 * MINUTE);
    await recover.execute(world.system);

    const late = world.reservations.reserve(world.system, order.id, order.lines);

    await expect(late).rejects.toBeInstanceOf(ReservationClosedError);
    expect(await world.stockOf(mug.id)).toBe(10);
  });

  it('when an order is younger than the threshold, then it is left alone', async () => {
    const order = await aPendingOrder({ reserved: true });
    world.advance(4 * MINUTE);

    const report = await recover.execute(world.system);

    expect(report).toEqual({ resolved: [], failed: [] });
    expect((await statusOf(order)).status).toBe('pending');
  });

  it('when the gateway cannot be asked, then the orders stay pending, are reported, and the next run resolves them', async () => {
    const order = await aPendingOrder({ reserved: true, cardToken: 'tok_approved' });
    world.advance(6 * MINUTE);
    world.gateway.failOn('lookup');

    const failed = await recover.execute(world.system);
    world.gateway.heal('lookup');
    const resolved = await recover.execute(world.system);

    expect(failed.failed.map((entry) => entry.orderId)).toEqual([order.id]);
    expect(world.logged('warn').join('\n')).toContain('the next run tries again');
    expect(resolved.resolved).toEqual([{ orderId: order.id, status: 'paid' }]);
  });

  it('when voiding fails, then the order stays pending and its stock stays released', async () => {
    const order = await aPendingOrder({ cardToken: 'tok_approved' });
    world.advance(6 * MINUTE);
    world.gateway.failOn('void');

    const report = await recover.execute(world.system);

    expect(report.failed.map((entry) => entry.orderId)).toEqual([order.id]);
    expect((await statusOf(order)).status).toBe('pending');
    expect(world.gateway.authorizationFor(order.id)?.state).toBe('approved');
  });

  it('when more orders are stale than the batch, then one run resolves only the batch, oldest first', async () => {
    const orders: Order[] = [];
    for (let i = 0; i < 5; i += 1) orders.push(await aPendingOrder());
    world.advance(6 * MINUTE);
    const small = new RecoverPendingOrders(world.orders, world.reservations, world.gateway, { olderThanMs: 5 * MINUTE, batchSize: 2 });

    const report = await small.execute(world.system);

    expect(report.resolved.map((entry) => entry.orderId)).toEqual(orders.slice(0, 2).map((order) => order.id));
  });

  it('when two replicas recover at once, then each order is resolved once and each authorization voided once', async () => {
    const orders: Order[] = [];
    for (let i = 0; i < 6; i += 1) orders.push(await aPendingOrder({ cardToken: 'tok_approved' }));
    world.advance(6 * MINUTE);
    world.gateway.makeSlow(10, { operations: ['void'] });

    const [first, second] = await Promise.all([recover.execute(world.system), recover.execute(world.system)]);

    const resolved = [...first.resolved, ...second.resolved].map((entry) => entry.orderId).sort();
    expect(resolved).toEqual(orders.map((order) => order.id).sort());
    expect(world.gateway.callsOf('void')).toHaveLength(6);
  });

  it('when a placement is left pending by a failed void, then recovery later voids and rejects it', async () => {
    const empty = await world.product({ stock: 0 });
    world.gateway.failOn('void');
    await expect(world.placed(world.customer(), orderOf([empty]))).rejects.toBeInstanceOf(InsufficientStockError);
    world.gateway.heal('void');
    world.advance(6 * MINUTE);

    const report = await recover.execute(world.system);

    expect(report.resolved).toEqual([{ orderId: expect.any(String), status: 'rejected' }]);
    expect(world.gateway.callsOf('void').length).toBeGreaterThanOrEqual(2);
  });

  it('when a customer runs recovery, then ForbiddenError is thrown', async () => {
    await expect(recover.execute(world.customer())).rejects.toBeInstanceOf(ForbiddenError);
  });

  describe('recoverOne (the order-recovery job)', () => {
    it('when the order is still pending, then it is resolved at once, whatever its age', async () => {
      const order = await aPendingOrder({ reserved: true, cardToken: 'tok_approved' });

      expect(await recover.recoverOne(world.system, order.id)).toBe('paid');
      expect(await statusOf(order)).toMatchObject({ status: 'paid', version: 2 });
    });

    it('when the order was settled meanwhile, then it is left as it is (a second run has no effect)', async () => {
      const order = await aPendingOrder({ reserved: true });

      const first = await recover.recoverOne(world.system, order.id);
      const second = await recover.recoverOne(world.system, order.id);

      expect({ first, second }).toEqual({ first: 'payment_failed', second: 'payment_failed' });
      expect(await statusOf(order)).toMatchObject({ version: 2 });
      expect(await world.stockOf(mug.id)).toBe(10);
    });

    it('when a customer runs it, then ForbiddenError is thrown and nothing changes', async () => {
      const order = await aPendingOrder();

      await expect(recover.recoverOne(world.customer(), order.id)).rejects.toBeInstanceOf(ForbiddenError);
      expect(await statusOf(order)).toMatchObject({ status: 'pending' });
    });
  });
});
