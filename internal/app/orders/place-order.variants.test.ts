import { v7 as uuidv7 } from 'uuid';
import { beforeEach, describe, expect, it } from 'vitest';
import { orderWorld, type OrderWorld } from '../../../test/support/order-world.ts';
import type { ReleaseChannel } from '../../domain/flags/release-channel.ts';
import { PlaceOrder } from './place-order.use-case.ts';

let world: OrderWorld;
let placeOrder: PlaceOrder;

beforeEach(() => {
  world = orderWorld();
  placeOrder = new PlaceOrder(world.orders, world.catalog, world.reservations, world.gateway, {
    newId: uuidv7,
    canaryPromotion: { thresholdMinor: 10_000, percentOffBasisPoints: 1_000 },
  });
});

const on = (channel: ReleaseChannel | undefined) => ({ ...world.customer(), channel });

describe('PlaceOrder variants (gray release)', () => {
  it.each([
    ['stable', 2, 12_500, 25_000],
    [undefined, 2, 12_500, 25_000],
    ['canary', 2, 12_500, 22_500],
    ['canary', 1, 9_999, 9_999],
  ] as const)('when the channel is %s and the order is %i × %i, then the total authorized and stored is %i', async (channel, quantity, price, total) => {
    const product = await world.product({ priceMinor: price, stock: 5 });

    const order = await placeOrder.execute(on(channel), { lines: [{ productId: product.id, quantity }], cardToken: 'tok_approved' });

    expect(order).toMatchObject({ status: 'paid', total: { amountMinor: total, currency: 'EUR' }, lines: [{ quantity, unitPrice: { amountMinor: price } }] });
    expect(world.gateway.authorizationFor(order.id)).toMatchObject({ state: 'approved', amount: { amountMinor: total } });
  });

  it('when the use-case has no canary promotion configured, then the canary channel pays list prices', async () => {
    const product = await world.product({ priceMinor: 25_000 });

    const order = await world.placeOrder.execute(on('canary'), { lines: [{ productId: product.id, quantity: 1 }], cardToken: 'tok_approved' });

    expect(order.total.amountMinor).toBe(25_000);
  });
});
