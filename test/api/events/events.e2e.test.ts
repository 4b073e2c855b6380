import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { AsyncApiChecker } from '../../support/asyncapi-checker.ts';
import { EventStreamReader, type StreamedEvent } from '../../support/event-stream.ts';
import { asOrder, createProduct, placeOrder, startOrdersWorld, type OrdersWorld } from '../../support/orders-api.ts';

const natsUrl = inject('natsUrl');
const contract = new AsyncApiChecker();

function byAggregate(events: readonly StreamedEvent[], id: string): string[] {
  return events.filter((event) => event.envelope.subject === id).map((event) => event.subject);
}

describe.skipIf(!natsUrl)('integration events on NATS JetStream', () => {
  const tag = randomBytes(4).toString('hex');
  const stream = `TEST_E2E_${tag}`;
  const prefix = `e${tag}.`;
  let world: OrdersWorld;
  let reader: EventStreamReader;

  beforeAll(async () => {
    world = await startOrdersWorld({ NATS_URL: natsUrl, NATS_STREAM: stream, NATS_SUBJECT_PREFIX: prefix, OUTBOX_RELAY_IDLE_POLL_MS: '200' });
    reader = await EventStreamReader.open(natsUrl, stream, prefix);
  });
  afterAll(async () => {
    await world?.stop();
    await reader?.close();
  });

  it('when users, products and orders change, then every event type is in the stream once per change, in order per aggregate, and matches api/asyncapi.yaml', async () => {
    const admin = await world.app.admin();
    const customer = await world.app.customer();
    const product = await createProduct(admin, { stock: 5, amount: 1000 });
    const etag = (await admin.api.GET('/v1/products/{id}', { params: { path: { id: product.id } } })).response.headers.get('etag')!;
    const patched = await admin.api.PATCH('/v1/products/{id}', { params: { path: { id: product.id }, header: { 'If-Match': etag } }, body: { price: { amount: 1200, currency: 'EUR' }, stock: 4 } });
    expect(patched.response.status).toBe(200);
    const paid = asOrder(await placeOrder(customer.api, { lines: [product.id] }));
    const cancelled = await customer.api.POST('/v1/orders/{id}/cancel', { params: { path: { id: paid.id } } });
    expect(cancelled.response.status).toBe(200);
    expect((await placeOrder(customer.api, { lines: [product.id], cardToken: 'tok_declined' })).status).toBe(402);
    expect((await placeOrder(customer.api, { lines: [{ productId: product.id, quantity: 50 }] })).status).toBe(409);
    const removed = await admin.api.POST('/v1/users', { body: { name: 'Short-lived', email: `gone-${tag}@example.test` } });
    expect((await admin.api.DELETE('/v1/users/{id}', { params: { path: { id: removed.data!.id } } })).response.status).toBe(204);

    const events = await reader.until((all) => byAggregate(all, removed.data!.id).length === 2);
    // A refused order has no id in its answer: it is found by its last event.
    const orderOf = (subject: string) => events.find((event) => event.subject === subject)?.envelope.subject ?? 'none';

    for (const event of events) contract.check(event.subject, event.envelope);
    expect(new Set(events.map((event) => event.envelope.id)).size).toBe(events.length);
    for (const event of events) expect(event.msgId).toBe(event.envelope.id);
    expect(byAggregate(events, customer.user.id)).toEqual(['ordersvc.user.registered']);
    expect(byAggregate(events, product.id)).toEqual(['ordersvc.product.created', 'ordersvc.product.price_changed', 'ordersvc.product.stock_changed']);
    expect(byAggregate(events, paid.id)).toEqual(['ordersvc.order.placed', 'ordersvc.order.paid', 'ordersvc.order.cancelled']);
    expect(byAggregate(events, orderOf('ordersvc.order.payment_failed'))).toEqual(['ordersvc.order.placed', 'ordersvc.order.payment_failed']);
    expect(byAggregate(events, orderOf('ordersvc.order.rejected'))).toEqual(['ordersvc.order.placed', 'ordersvc.order.rejected']);
    expect(byAggregate(events, removed.data!.id)).toEqual(['ordersvc.user.registered', 'ordersvc.user.deleted']);
    const seen = new Set(events.map((event) => event.subject));
    expect(contract.subjects.filter((subject) => !seen.has(subject))).toEqual([]);
  });

  it('when a change is refused and its transaction rolls back, then it publishes nothing', async () => {
    const admin = await world.app.admin();
    const product = await createProduct(admin);
    const duplicate = await admin.api.POST('/v1/products', { body: { sku: product.sku, name: 'Copy', price: { amount: 100, currency: 'EUR' }, stock: 1 } });
    expect(duplicate.response.status, JSON.stringify(duplicate.error)).toBe(409);
    const marker = await createProduct(admin);

    const events = await reader.until((all) => all.some((event) => event.envelope.subject === marker.id));
    expect(events.filter((event) => event.subject === 'ordersvc.product.created' && (event.envelope.data as { sku: string }).sku === product.sku)).toHaveLength(1);
    const { rows } = await world.app.database.pool.query<{ count: string }>(`SELECT count(*) FROM outbox WHERE envelope->'data'->>'sku' = $1`, [product.sku]);
    expect(rows[0]?.count).toBe('1');
  });
});

describe('integration events without NATS (embedded default)', () => {
  let world: OrdersWorld;
  beforeAll(async () => {
    world = await startOrdersWorld({ OUTBOX_RELAY_IDLE_POLL_MS: '200' });
  });
  afterAll(async () => {
    await world?.stop();
  });

  it('when an order is paid, then the in-process product-sales consumer counts it once', async () => {
    const admin = await world.app.admin();
    const customer = await world.app.customer();
    const product = await createProduct(admin, { stock: 5, amount: 700 });
    await placeOrder(customer.api, { lines: [{ productId: product.id, quantity: 2 }] });

    const sales = await until(async () => {
      const { rows } = await world.app.database.pool.query<{ units_sold: string; revenue_minor: string; orders_count: string }>('SELECT units_sold, revenue_minor, orders_count FROM product_sales WHERE product_id = $1', [product.id]);
      return rows[0];
    });
    expect(sales).toEqual({ units_sold: '2', revenue_minor: '1400', orders_count: '1' });
    const listed = await admin.api.GET('/v1/admin/product-sales', { params: { query: { limit: 10 } } });
    expect(listed.data?.items).toContainEqual(expect.objectContaining({ product_id: product.id, units_sold: 2, revenue: { amount: 1400, currency: 'EUR' }, orders: 1 }));
    expect((await customer.api.GET('/v1/admin/product-sales')).response.status).toBe(403);
    const { rows } = await world.app.database.pool.query<{ pending: string }>('SELECT count(*) AS pending FROM outbox WHERE published_at IS NULL');
    expect(rows[0]?.pending).toBe('0');
  });
});

async function until<T>(read: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
