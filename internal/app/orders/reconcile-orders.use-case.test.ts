import { beforeEach, describe, expect, it } from 'vitest';
import { orderOf, orderWorld, type OrderWorld } from '../../../test/support/order-world.ts';
import { ForbiddenError } from '../../domain/identity/identity.errors.ts';
import type { Order } from '../../domain/order/order.ts';
import type { Product } from '../../domain/product/product.ts';
import { CancelOrder } from './cancel-order.use-case.ts';
import { ReconcileOrders } from './reconcile-orders.use-case.ts';

let world: OrderWorld;
let reconcile: ReconcileOrders;
let mug: Product;

beforeEach(async () => {
  world = orderWorld();
  reconcile = new ReconcileOrders(world.orders, world.gateway, { concurrency: 2 });
  mug = await world.product({ stock: 100 });
});

const place = (cardToken = 'tok_approved'): Promise<Order> =>
  world.placed(world.customer(), orderOf([mug], cardToken)).catch(async () => (await world.orders.listForUser(world.system, undefined, { limit: 1 }))[0]!);

describe('ReconcileOrders', () => {
  it('when every order agrees with the gateway, then nothing is reported', async () => {
    const paid = await place();
    await place('tok_declined');
    await new CancelOrder(world.orders, world.reservations, world.gateway).execute(world.admin(), paid.id);
    await place();

    const report = await reconcile.execute(world.system, { limit: 10 });

    expect(report).toEqual({ checked: 3, discrepancies: [], unchecked: [], nextCursor: null });
  });

  it.each<[string, string, 'voided' | 'approved' | 'captured', string]>([
    ['a paid order whose authorization was voided', 'tok_approved', 'voided', 'paid'],
    ['a cancelled order still approved at the gateway', 'cancel', 'approved', 'cancelled'],
    ['a failed order charged at the gateway', 'tok_declined', 'captured', 'payment_failed'],
  ])('when %s, then it is reported', async (_, how, gatewayState, status) => {
    const order = await place(how === 'cancel' ? 'tok_approved' : how);
    if (how === 'cancel') await new CancelOrder(world.orders, world.reservations, world.gateway).execute(world.admin(), order.id);
    world.gateway.forceState(order.id, gatewayState);

    const report = await reconcile.execute(world.system, { limit: 10 });

    expect(report.discrepancies).toEqual([{ orderId: order.id, userId: order.userId, status, authorizationId: expect.any(String), gatewayState, problem: 'state' }]);
  });

  it('when a failed order has no authorization at all, then it agrees', async () => {
    world.gateway.failOn('authorize');
    await place();

    expect((await reconcile.execute(world.system, { limit: 10 })).discrepancies).toEqual([]);
  });

  it('when orders are pending, then they are left to recovery', async () => {
    world.gateway.makeUnavailable();
    await place();
    world.gateway.makeAvailable();

    expect(await reconcile.execute(world.system, { limit: 10 })).toMatchObject({ checked: 0, discrepancies: [] });
  });

  it('when the gateway cannot be asked, then the orders are listed as unchecked', async () => {
    const order = await place();
    world.gateway.failOn('lookup');

    expect(await reconcile.execute(world.system, { limit: 10 })).toMatchObject({ checked: 0, unchecked: [order.id] });
  });

  it('when there are more orders than the limit, then the cursor leads through all of them', async () => {
    for (let i = 0; i < 5; i += 1) await place();

    const first = await reconcile.execute(world.system, { limit: 3 });
    const second = await reconcile.execute(world.system, { limit: 3, cursor: first.nextCursor! });

    expect([first.checked, second.checked, second.nextCursor]).toEqual([3, 2, null]);
  });

  it('when a customer reconciles, then ForbiddenError is thrown', async () => {
    await expect(reconcile.execute(world.customer(), { limit: 10 })).rejects.toBeInstanceOf(ForbiddenError);
  });
});
