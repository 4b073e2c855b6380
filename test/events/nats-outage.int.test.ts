import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventStreamReader } from '../support/event-stream.ts';
import { hasNatsServerBinary, startNatsServer, type NatsServer } from '../support/nats-server.ts';
import { asOrder, createProduct, placeOrder, startOrdersWorld, type OrdersWorld } from '../support/orders-api.ts';

// Stopping a shared NATS would break other test files: this one needs a server of its own.
const canStartNats = await hasNatsServerBinary();
const OUTAGE_MS = 30_000;

describe.skipIf(!canStartNats)('NATS down for 30 s while orders are placed', () => {
  const tag = randomBytes(4).toString('hex');
  const stream = `TEST_OUTAGE_${tag}`;
  let nats: NatsServer;
  let world: OrdersWorld;

  beforeAll(async () => {
    nats = await startNatsServer();
    world = await startOrdersWorld({ NATS_URL: nats.url, NATS_STREAM: stream, OUTBOX_RELAY_IDLE_POLL_MS: '200' });
  });
  afterAll(async () => {
    await world?.stop();
    await nats?.remove();
  });

  it('then the API answers throughout, and once NATS is back every event is in the stream once, in order per aggregate', async () => {
    const admin = await world.app.admin();
    const customer = await world.app.customer();
    const product = await createProduct(admin, { stock: 1_000, amount: 100 });
    const orders: string[] = [asOrder(await placeOrder(customer.api, { lines: [product.id] })).id];

    await nats.stop();
    const until = Date.now() + OUTAGE_MS;
    const statuses: number[] = [];
    while (Date.now() < until) {
      const answer = await placeOrder(customer.api, { lines: [product.id] });
      statuses.push(answer.status);
      if (answer.status === 201) orders.push(asOrder(answer).id);
      const ready = await fetch(`${world.app.baseUrl}/readyz`);
      statuses.push(ready.status);
    }
    const pendingDuringOutage = await world.app.database.pool.query<{ count: string }>('SELECT count(*) FROM outbox WHERE published_at IS NULL');
    await nats.start();

    expect(statuses.every((status) => status === 201 || status === 200)).toBe(true);
    expect(Number(pendingDuringOutage.rows[0]?.count)).toBeGreaterThan(0);
    const reader = await EventStreamReader.open(nats.url, stream, '');
    try {
      const events = await reader.until((all) => all.filter((event) => event.subject === 'ordersvc.order.paid').length >= orders.length, 60_000);
      expect(new Set(events.map((event) => event.envelope.id)).size).toBe(events.length);
      for (const id of orders) {
        expect(events.filter((event) => event.envelope.subject === id).map((event) => event.subject)).toEqual(['ordersvc.order.placed', 'ordersvc.order.paid']);
      }
    } finally {
      await reader.close();
    }
  }, 120_000);
});
