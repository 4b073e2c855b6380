import { v7 as uuidv7 } from 'uuid';
import { beforeEach, describe, expect, it } from 'vitest';
import { orderOf, orderWorld, type OrderWorld } from '../../../test/support/order-world.ts';
import { testContext } from '../../../test/support/test-context.ts';
import { AuthenticationRequiredError } from '../../domain/identity/identity.errors.ts';
import { markPaymentFailed, markRejected, type Order } from '../../domain/order/order.ts';
import { OrderNotFoundError, OrderStateConflictError } from '../../domain/order/order.errors.ts';
import type { StockReservations } from '../../domain/order/stock-reservations.ts';
import { PaymentUnavailableError } from '../../domain/payment/payment.errors.ts';
import type { Context } from '../../domain/shared/context.ts';
import { CancelOrder } from './cancel-order.use-case.ts';

let world: OrderWorld;
let cancelOrder: CancelOrder;
let buyer: Context;

beforeEach(() => {
  world = orderWorld();
  cancelOrder = new CancelOrder(world.orders, world.reservations, world.gateway);
  buyer = world.customer();
});

const aPaidOrder = async (stock = 5, quantity = 2): Promise<Order> => {
  const mug = await world.product({ stock });
  return world.placed(buyer, orderOf([mug], 'tok_approved', quantity));
};

describe('CancelOrder', () => {
  it('when a customer cancels their paid order, then it is cancelled, the authorization voided and the stock back', async () => {
    const order = await aPaidOrder(5, 2);

    const cancelled = await cancelOrder.execute(buyer, order.id);

    expect(cancelled).toMatchObject({ id: order.id, status: 'cancelled', authorizationId: order.authorizationId, version: order.version + 1 });
    expect(world.gateway.authorizationFor(order.id)?.state).toBe('voided');
    expect(await world.stockOf(order.lines[0]!.productId)).toBe(5);
  });

  it('when the authorization was captured, then it is refunded', async () => {
    const order = await aPaidOrder();
    await world.gateway.capture(world.system, order.authorizationId!);

    await cancelOrder.execute(buyer, order.id);

    expect(world.gateway.authorizationFor(order.id)?.state).toBe('refunded');
  });

  it('when an order is cancelled twice, then the second gets OrderStateConflictError and the payment is voided once', async () => {
    const order = await aPaidOrder(5, 2);
    await cancelOrder.execute(buyer, order.id);

    const again = cancelOrder.execute(buyer, order.id);

    await expect(again).rejects.toBeInstanceOf(OrderStateConflictError);
    expect(world.gateway.callsOf('void')).toHaveLength(1);
    expect(await world.stockOf(order.lines[0]!.productId)).toBe(5);
  });

  it('when two cancels of one order race, then one wins, the other gets a conflict, and payment and stock go back once', async () => {
    const order = await aPaidOrder(5, 2);
    world.gateway.makeSlow(30, { operations: ['void'] });

    const results = await Promise.allSettled([cancelOrder.execute(buyer, order.id), cancelOrder.execute(buyer, order.id)]);

    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    const [loser] = results.filter((result) => result.status === 'rejected');
    expect(loser?.reason).toBeInstanceOf(OrderStateConflictError);
    expect(world.gateway.callsOf('void')).toHaveLength(1);
    expect(await world.stockOf(order.lines[0]!.productId)).toBe(5);
  });

  it.each<[string, (order: Order) => Order]>([
    ['payment_failed', (order) => markPaymentFailed(order, 'card_declined')],
    ['rejected', (order) => markRejected(order, 'insufficient_stock')],
    ['pending', (order) => order],
  ])('when the order is %s, then OrderStateConflictError is thrown and nothing is undone', async (status, settle) => {
    const mug = await world.product();
    const created = await world.orders.create(world.system, { id: uuidv7(), userId: buyer.principal!.userId, lines: [{ productId: mug.id, quantity: 1, unitPrice: mug.price }], total: mug.price });
    await world.orders.update(world.system, created.id, settle);

    const error = await cancelOrder.execute(buyer, created.id).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(OrderStateConflictError);
    expect((error as OrderStateConflictError).details).toEqual({ status, attempted: 'cancelled' });
    expect(world.gateway.calls).toEqual([]);
  });

  it("when a customer cancels another customer's order, then OrderNotFoundError is thrown and it stays paid", async () => {
    const order = await aPaidOrder();

    const cancelling = cancelOrder.execute(world.customer(), order.id);

    await expect(cancelling).rejects.toBeInstanceOf(OrderNotFoundError);
    expect((await world.orders.findById(world.system, order.id))?.status).toBe('paid');
  });

  it("when an admin cancels a customer's order, then it is cancelled", async () => {
    const order = await aPaidOrder();

    expect(await cancelOrder.execute(world.admin(), order.id)).toMatchObject({ status: 'cancelled' });
  });

  it.each([
    ['an unknown id', uuidv7()],
    ['a malformed id', 'not-an-id'],
  ])('when the id is %s, then OrderNotFoundError is thrown', async (_, id) => {
    await expect(cancelOrder.execute(buyer, id)).rejects.toBeInstanceOf(OrderNotFoundError);
  });

  it('when nobody is signed in, then AuthenticationRequiredError is thrown', async () => {
    await expect(cancelOrder.execute(testContext(), uuidv7())).rejects.toBeInstanceOf(AuthenticationRequiredError);
  });

  it('when the gateway cannot void, then the order stays paid with its stock, and a later cancel succeeds', async () => {
    const order = await aPaidOrder(5, 2);
    world.gateway.failOn('void');

    await expect(cancelOrder.execute(buyer, order.id)).rejects.toBeInstanceOf(PaymentUnavailableError);
    expect((await world.orders.findById(world.system, order.id))?.status).toBe('paid');
    expect(await world.stockOf(order.lines[0]!.productId)).toBe(3);

    world.gateway.heal('void');
    expect(await cancelOrder.execute(buyer, order.id)).toMatchObject({ status: 'cancelled' });
    expect(await world.stockOf(order.lines[0]!.productId)).toBe(5);
  });

  it('when the stock cannot be released after the cancel, then the order is still cancelled and the log says the stock is held', async () => {
    const order = await aPaidOrder();
    const failing: StockReservations = {
      reserve: (ctx, orderId, lines) => world.reservations.reserve(ctx, orderId, lines),
      release: () => Promise.reject(new Error('database down')),
      stateOf: (ctx, orderId) => world.reservations.stateOf(ctx, orderId),
    };

    const cancelled = await new CancelOrder(world.orders, failing, world.gateway).execute(buyer, order.id);

    expect(cancelled.status).toBe('cancelled');
    expect(world.logged('error').join('\n')).toContain('stock is still reserved');
  });
});
