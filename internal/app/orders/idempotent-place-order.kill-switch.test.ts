import { beforeEach, describe, expect, it } from 'vitest';
import { orderOf, orderWorld, type OrderWorld } from '../../../test/support/order-world.ts';
import type { FeatureFlags } from '../../domain/flags/feature-flags.ts';
import { ORDERS_PAUSED } from '../../domain/flags/flag-catalog.ts';
import { FeatureSwitchedOffError } from '../../domain/flags/flags.errors.ts';
import type { RolloutVariant } from '../../domain/flags/flag.ts';
import type { Product } from '../../domain/product/product.ts';
import type { Context } from '../../domain/shared/context.ts';
import { IdempotentPlaceOrder, type IdempotentPlaceOrderInput } from './idempotent-place-order.ts';
import { requestFingerprint } from './request-fingerprint.ts';

/** Flags a test switches by hand. */
class Switches implements FeatureFlags {
  readonly on = new Set<string>();
  isEnabled(_ctx: Context, key: string): Promise<boolean> {
    return Promise.resolve(this.on.has(key));
  }
  variantOf(_ctx: Context, key: string): Promise<RolloutVariant> {
    return Promise.resolve(this.on.has(key) ? 'cohort' : 'off');
  }
}

let world: OrderWorld;
let switches: Switches;
let placement: IdempotentPlaceOrder;
let mug: Product;

beforeEach(async () => {
  world = orderWorld();
  switches = new Switches();
  placement = new IdempotentPlaceOrder(world.placeOrder, world.orders, world.idempotency, { flags: switches, pausedRetryAfterMs: 45_000 });
  mug = await world.product({ stock: 10 });
});

const input = (key: string): IdempotentPlaceOrderInput => ({
  key,
  fingerprint: requestFingerprint('POST', '/v1/orders', { key }),
  order: orderOf([mug]),
  render: (outcome) => ({ status: outcome.kind === 'placed' ? 201 : 409, body: {} }),
});

describe('IdempotentPlaceOrder with the order kill switch', () => {
  it('when the switch is on, then the placement is refused with a retry hint, no order exists, no stock is taken and the key stays unused', async () => {
    const buyer = world.customer();
    switches.on.add(ORDERS_PAUSED);

    const error = await placement.execute(buyer, input('key-1')).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(FeatureSwitchedOffError);
    expect(error).toMatchObject({ kind: 'unavailable', retryAfterMs: 45_000 });
    expect(await world.orders.listForUser(world.system, undefined, { limit: 10 })).toEqual([]);
    expect(await world.stockOf(mug.id)).toBe(10);

    switches.on.delete(ORDERS_PAUSED);
    const answer = await placement.execute(buyer, input('key-1'));
    expect(answer).toMatchObject({ status: 201, replayed: false });
  });
});
