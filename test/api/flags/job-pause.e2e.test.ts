import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asOrder, createProduct, placeOrder, startOrdersWorld, type OrdersWorld } from '../../support/orders-api.ts';
import type { SignedIn, TestApp } from '../../support/test-app.ts';

let world: OrdersWorld;
let app: TestApp;
let admin: SignedIn;
const POLL_MS = 500;

beforeAll(async () => {
  world = await startOrdersWorld({ JOBS_POLL_INTERVAL_MS: String(POLL_MS) });
  app = world.app;
  admin = await app.admin();
});

afterAll(async () => {
  await world?.stop();
});

async function setPaused(paused: boolean): Promise<void> {
  const { response } = await admin.api.PUT('/v1/admin/flags/{key}', {
    params: { path: { key: 'jobs.order-confirmation.paused' }, header: { 'If-Match': '*' } },
    body: { enabled: paused, rollout_percent: null },
  });
  expect(response.status).toBe(200);
}

async function confirmationState(orderId: string): Promise<string | undefined> {
  const { rows } = await app.database.pool.query<{ state: string }>(`SELECT state FROM pgboss.job WHERE name = 'order-confirmation' AND data->>'orderId' = $1`, [orderId]);
  return rows[0]?.state;
}

describe('the job queue kill switch', () => {
  it('when the confirmation queue is paused, then its jobs wait in the queue, and once resumed they run without a restart', async () => {
    const product = await createProduct(admin);
    const customer = await app.customer();
    await setPaused(true);

    const order = asOrder(await placeOrder(customer.api, { lines: [product.id] }));
    expect(order.status).toBe('paid');

    // Proving that nothing happens takes time: six poll intervals in which an unpaused worker would have run the job.
    const watchUntil = performance.now() + 6 * POLL_MS;
    while (performance.now() < watchUntil) {
      expect(await confirmationState(order.id)).toBe('created');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    await setPaused(false);
    const deadline = performance.now() + 10_000;
    while ((await confirmationState(order.id)) !== 'completed') {
      if (performance.now() > deadline) throw new Error(`the confirmation job did not run after resuming: ${await confirmationState(order.id)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });
});
