import { beforeEach, describe, expect, it } from 'vitest';
import { orderOf, orderWorld, type OrderWorld } from '../../../test/support/order-world.ts';
import type { ReleaseChannel } from '../../domain/flags/release-channel.ts';
import type { PlaceOrder } from './place-order.use-case.ts';

let world: OrderWorld;
let placeOrder: PlaceOrder;

beforeEach(() => {
  world = orderWorld();
  placeOrder = world.placement({}, { canaryPromotion: { thresholdMinor: 10_000, percentOffBasisPoints: 1_000 } });
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

    const outcome = await placeOrder.execute(on(channel), orderOf([product], 'tok_approved', quantity));
    const order = outcome.kind === 'placed' ? outcome.order : undefined;

    expect(order).toMatchObject({ status: 'paid', total: { amountMinor: total, currency: 'EUR' }, lines: [{ quantity, unitPrice: { amountMinor: price } }] });
    expect(world.gateway.authorizationFor(order!.id)).toMatchObject({ state: 'approved', amount: { amountMinor: total } });
  });

  it('when the use-case has no canary promotion configured, then the canary channel pays list prices', async () => {
    const product = await world.product({ priceMinor: 25_000 });

    const order = await world.placed(on('canary'), orderOf([product]));

    expect(order.total.amountMinor).toBe(25_000);
  });
});
