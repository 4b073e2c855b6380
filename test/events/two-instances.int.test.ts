import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import { PostgresEventOutbox } from '../../internal/adapter/postgres/postgres-event-outbox.ts';
import { startPaymentSandbox, type RunningPaymentSandbox } from '../../internal/sandbox/payment-gateway/start-sandbox.ts';
import { EventStreamReader } from '../support/event-stream.ts';
import { asOrder, createProduct, placeOrder } from '../support/orders-api.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const natsUrl = inject('natsUrl');

describe.skipIf(!natsUrl)('two app instances relaying and consuming at once', () => {
  const tag = randomBytes(4).toString('hex');
  const stream = `TEST_TWO_${tag}`;
  const prefix = `w${tag}.`;
  let database: TestDatabase;
  let sandbox: RunningPaymentSandbox;
  let apps: TestApp[] = [];
  let reader: EventStreamReader;

  beforeAll(async () => {
    database = await createTestDatabase();
    sandbox = await startPaymentSandbox({ port: 0 });
    const env = {
      PAYMENT_GATEWAY_URL: sandbox.url,
      NATS_URL: natsUrl,
      NATS_STREAM: stream,
      NATS_SUBJECT_PREFIX: prefix,
      OUTBOX_RELAY_BATCH_SIZE: '5',
      EVENTS_MAX_DELIVER: '3',
      EVENTS_REDELIVERY_BACKOFF_MS: '20,40',
    };
    apps = [await startTestApp(env, { database }), await startTestApp(env, { database })];
    reader = await EventStreamReader.open(natsUrl, stream, prefix);
  });
  afterAll(async () => {
    for (const app of apps) await app.stop();
    await sandbox?.stop();
    await reader?.close();
    await database?.drop();
  });

  it('when orders are placed on both, then each event is in the stream once and in order, and the sales consumer counts each paid order once', async () => {
    const admin = await apps[0]!.admin();
    const product = await createProduct(admin, { stock: 100, amount: 300 });
    const customers = await Promise.all(apps.map((app) => app.customer()));
    const answers = await Promise.all(Array.from({ length: 30 }, (_, n) => placeOrder(customers[n % 2]!.api, { lines: [product.id] })));
    const orders = answers.map(asOrder);
    expect(orders.every((order) => order.status === 'paid')).toBe(true);

    const events = await reader.until((all) => all.filter((event) => event.subject === 'ordersvc.order.paid').length === orders.length);
    expect(new Set(events.map((event) => event.envelope.id)).size).toBe(events.length);
    for (const order of orders) {
      expect(events.filter((event) => event.envelope.subject === order.id).map((event) => event.subject)).toEqual(['ordersvc.order.placed', 'ordersvc.order.paid']);
    }
    const sales = await untilRow(database, 'SELECT units_sold FROM product_sales WHERE product_id = $1 AND units_sold = $2', [product.id, orders.length]);
    expect(sales).toEqual({ units_sold: String(orders.length) });
    const inbox = await database.pool.query<{ count: string }>("SELECT count(*) FROM inbox WHERE consumer = 'product-sales'");
    expect(inbox.rows[0]?.count).toBe(String(orders.length));
  });

  it('when an event cannot be handled, then it goes to the dead-letter subject after max deliveries and the next ones are still applied', async () => {
    const admin = await apps[1]!.admin();
    const customer = await apps[1]!.customer();
    const product = await createProduct(admin, { stock: 10, amount: 500 });
    const poisonOrder = randomUUID();
    await database.db.transaction().execute((trx) =>
      new PostgresEventOutbox(uuidv7).append(trx, [{ type: 'order.paid', aggregate: 'order', aggregateId: poisonOrder, data: { order_id: poisonOrder, lines: 'not lines' } }]),
    );
    asOrder(await placeOrder(customer.api, { lines: [product.id] }));

    const events = await reader.until((all) => all.some((event) => event.subject === 'ordersvc.deadletter.product-sales'));
    const dead = events.filter((event) => event.subject === 'ordersvc.deadletter.product-sales');
    expect(dead.map((event) => event.envelope.subject)).toEqual([poisonOrder]);
    expect(await untilRow(database, 'SELECT units_sold FROM product_sales WHERE product_id = $1 AND units_sold = $2', [product.id, 1])).toEqual({ units_sold: '1' });
  });
});

async function untilRow(database: TestDatabase, sql: string, params: unknown[], timeoutMs = 20_000): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await database.pool.query<Record<string, unknown>>(sql, params);
    if (rows[0]) return rows[0];
    if (Date.now() > deadline) throw new Error(`no row for ${sql}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
