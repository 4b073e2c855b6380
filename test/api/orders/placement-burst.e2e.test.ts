import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProduct, orderStatusesInDb, placeOrder, reservedInDb, startOrdersWorld, stockInDb, type OrdersWorld } from '../../support/orders-api.ts';
import { startTestApp, type SignedIn, type TestApp } from '../../support/test-app.ts';

// The burst of issue 12: two replicas over one database and one sandbox
// gateway, 150 orders each, with the default gateway bulkhead (32 running, 64
// queued). Authorizations of orders that lose the race for stock must be
// voided by the request itself: voids and lookups have a bulkhead share of
// their own (see http-payment-gateway.int.test.ts for the share in isolation),
// so none is refused behind new authorizations and left for the recovery sweep.
const PER_INSTANCE = 150;
const STOCK = 50;
const env = {
  // Long enough that the recovery sweep cannot be what settles an order during the burst.
  ORDER_RECOVER_AFTER_MS: '120000',
  HTTP_REQUEST_BUDGET_MS: '30000',
  RATE_LIMIT_API_PER_WINDOW: '100000',
  RATE_LIMIT_AUTH_PER_WINDOW: '1000',
};

let world: OrdersWorld;
let second: TestApp;
let admin: SignedIn;

beforeAll(async () => {
  world = await startOrdersWorld(env);
  second = await startTestApp({ ...env, PAYMENT_GATEWAY_URL: world.sandbox.url }, { database: world.app.database });
  admin = await world.app.admin();
}, 60_000);

afterAll(async () => {
  await second?.stop();
  await world?.stop();
});

describe('a burst of orders for little stock over two replicas', () => {
  it('when 300 orders race for 50 units, then exactly 50 are paid, the stock is 0, and every authorization of a rejected order is voided before the answers are all in', async () => {
    const product = await createProduct(admin, { stock: STOCK });
    const customers = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? world.app : second).customer()));

    const answers = await Promise.all(
      Array.from({ length: 2 * PER_INSTANCE }, (_, i) => {
        // Even customers were registered on the first replica, odd ones on the second; every request goes to its customer's replica.
        const customer = customers[i % customers.length]!;
        return placeOrder(customer.api, { lines: [product.id] });
      }),
    );

    // Checked at once, before any recovery could run.
    const statuses = await orderStatusesInDb(world.app, product.id);
    const stats = await world.gateway.stats();
    expect(answers.filter((answer) => answer.status === 201)).toHaveLength(STOCK);
    expect(answers.filter((answer) => answer.status === 202)).toHaveLength(0);
    expect(statuses.pending ?? 0).toBe(0);
    expect(statuses.paid).toBe(STOCK);
    expect(await stockInDb(world.app, product.id)).toBe(0);
    expect(await reservedInDb(world.app, product.id)).toBe(STOCK);
    // Every approved authorization belongs to a paid order; the others were voided (or never made).
    expect(stats.by_status.approved).toBe(STOCK);
    expect(stats.authorizations).toBe(stats.by_status.approved + stats.by_status.voided);
  }, 120_000);
});
