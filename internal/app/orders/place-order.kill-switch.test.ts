import { beforeEach, describe, expect, it } from 'vitest';
import { orderOf, orderWorld, type OrderWorld } from '../../../test/support/order-world.ts';
import type { FeatureFlags } from '../../domain/flags/feature-flags.ts';
import { ORDERS_PAUSED } from '../../domain/flags/flag-catalog.ts';
import { FeatureSwitchedOffError } from '../../domain/flags/flags.errors.ts';
import type { RolloutVariant } from '../../domain/flags/flag.ts';
import type { Product } from '../../domain/product/product.ts';
import type { Context } from '../../domain/shared/context.ts';
import type { PlaceOrder } from './place-order.use-case.ts';

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
let placement: PlaceOrder;
let mug: Product;

beforeEach(async () => {
  world = orderWorld();
  switches = new Switches();
  placement = world.placement({ flags: switches }, { pausedRetryAfterMs: 45_000 });
  mug = await world.product({ stock: 10 });
});

describe('PlaceOrder with the order kill switch', () => {
  it('when the switch is on, then the placement is refused with a retry hint, no order exists, no stock is taken and the key stays unused', async () => {
    const buyer = world.customer();
    switches.on.add(ORDERS_PAUSED);

    const outcome = await placement.execute(buyer, orderOf([mug], 'tok_approved', 1, 'key-1'));

    expect(outcome).toMatchObject({ kind: 'refused', replayed: false, error: { kind: 'unavailable', code: 'FEATURE_SWITCHED_OFF', retryAfterMs: 45_000 } });
    expect(outcome.kind === 'refused' && outcome.error).toBeInstanceOf(FeatureSwitchedOffError);
    expect(await world.orders.listForUser(world.system, undefined, { limit: 10 })).toEqual([]);
    expect(await world.stockOf(mug.id)).toBe(10);

    switches.on.delete(ORDERS_PAUSED);
    expect(await placement.execute(buyer, orderOf([mug], 'tok_approved', 1, 'key-1'))).toMatchObject({ kind: 'placed', replayed: false });
  });
});
