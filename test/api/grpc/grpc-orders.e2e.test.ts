import * as grpcJs from '@grpc/grpc-js';
import { ClientError, Status } from 'nice-grpc';
import { PlaceOrderRequest, PlaceOrderResponse } from '../../../internal/transport/grpc/generated/ordersvc/v1/order.ts';
import { ErrorInfo, RichClientError } from 'nice-grpc-error-details';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grpcClients, type GrpcClients } from '../../support/grpc-client.ts';
import { createProduct, placeOrder, startOrdersWorld, stockInDb, uniqueKey, type OrdersWorld } from '../../support/orders-api.ts';

let world: OrdersWorld;
const opened: GrpcClients[] = [];

function clients(token: string): GrpcClients {
  const created = grpcClients(world.app.service.grpcPort!, token);
  opened.push(created);
  return created;
}

async function failure(promise: Promise<unknown>): Promise<RichClientError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof RichClientError)) throw new Error(`expected a rich gRPC error, got ${String(error)}`);
  return error;
}

beforeAll(async () => {
  world = await startOrdersWorld();
});

afterAll(async () => {
  for (const created of opened) created.close();
  await world?.stop();
});

describe('orders over gRPC', () => {
  it('when a customer places, reads, lists and cancels an order, then each answers over gRPC', async () => {
    const admin = await world.app.admin();
    const product = await createProduct(admin, { stock: 3, amount: 1250 });
    const customer = await world.app.customer();
    const client = clients(customer.token);

    const placed = await client.orders.placeOrder({ idempotencyKey: uniqueKey(), lines: [{ productId: product.id, quantity: 2 }], payment: { cardToken: 'tok_approved' } });
    const read = await client.orders.getOrder({ id: placed.order!.id });
    const listed = await client.orders.listOrders({ pageSize: 10, pageToken: '', userId: '', status: '' });
    const cancelled = await client.orders.cancelOrder({ id: placed.order!.id });

    expect(placed.order?.status).toBe('paid');
    expect(placed.order?.total).toEqual({ amountMinor: 2500n, currency: 'EUR' });
    expect(placed.pending).toBe(false);
    expect(read.order?.id).toBe(placed.order?.id);
    expect(listed.orders.map((order) => order.id)).toContain(placed.order?.id);
    expect(cancelled.order?.status).toBe('cancelled');
    const again = await failure(client.orders.cancelOrder({ id: placed.order!.id }));
    expect([Status.FAILED_PRECONDITION, Status.ABORTED]).toContain(again.code);
  });

  it('when the same key and command come over REST then gRPC, then one order and one authorization', async () => {
    const admin = await world.app.admin();
    const product = await createProduct(admin, { stock: 5 });
    const customer = await world.app.customer();
    const key = uniqueKey('cross');
    const before = (await world.gateway.stats()).authorizations;

    const rest = await placeOrder(customer.api, { key, lines: [product.id] });
    const grpc = await clients(customer.token).orders.placeOrder({ idempotencyKey: key, lines: [{ productId: product.id, quantity: 1 }], payment: { cardToken: 'tok_approved' } });

    expect(rest.status).toBe(201);
    expect(grpc.replayed).toBe(true);
    expect(grpc.order?.id).toBe((rest.body as { id: string }).id);
    expect((await world.gateway.stats()).authorizations - before).toBe(1);
    expect(await stockInDb(world.app, product.id)).toBe(4);
  });

  it('when the same key comes with another command, then FAILED_PRECONDITION with the REST code', async () => {
    const admin = await world.app.admin();
    const product = await createProduct(admin, { stock: 5 });
    const customer = await world.app.customer();
    const key = uniqueKey('reuse');
    await placeOrder(customer.api, { key, lines: [product.id] });

    const error = await failure(clients(customer.token).orders.placeOrder({ idempotencyKey: key, lines: [{ productId: product.id, quantity: 2 }], payment: { cardToken: 'tok_approved' } }));

    expect(error.code).toBe(Status.FAILED_PRECONDITION);
    expect(error.extra.find((detail): detail is ErrorInfo => detail.$type === ErrorInfo.$type)?.reason).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('when the same key comes again while the first call is still at the gateway, then ABORTED with RetryInfo, and the first ends paid', async () => {
    const admin = await world.app.admin();
    const product = await createProduct(admin, { stock: 2 });
    const customer = await world.app.customer();
    const client = clients(customer.token);
    const request = { idempotencyKey: uniqueKey('busy'), lines: [{ productId: product.id, quantity: 1 }], payment: { cardToken: 'tok_approved' } };
    await world.gateway.setFaults({ latency_ms: { min: 1000, max: 1000 }, scope: 'authorize' });
    try {
      const before = (await world.gateway.stats()).requests;
      const first = client.orders.placeOrder(request);
      await expect.poll(async () => (await world.gateway.stats()).requests - before, { timeout: 5_000, interval: 20 }).toBeGreaterThanOrEqual(1);

      const busy = await failure(client.orders.placeOrder(request));

      expect(busy.code).toBe(Status.ABORTED);
      expect(busy.extra.find((detail): detail is ErrorInfo => detail.$type === ErrorInfo.$type)?.reason).toBe('REQUEST_IN_PROGRESS');
      expect(busy.extra.some((detail) => detail.$type === 'google.rpc.RetryInfo')).toBe(true);
      expect((await first).order?.status).toBe('paid');
      expect(await stockInDb(world.app, product.id)).toBe(1);
    } finally {
      await world.gateway.setFaults({});
    }
  });

  it('when the card is declined, then FAILED_PRECONDITION PAYMENT_DECLINED and the stock is back', async () => {
    const admin = await world.app.admin();
    const product = await createProduct(admin, { stock: 2 });
    const customer = await world.app.customer();

    const error = await failure(clients(customer.token).orders.placeOrder({ idempotencyKey: uniqueKey('declined'), lines: [{ productId: product.id, quantity: 1 }], payment: { cardToken: 'tok_declined' } }));

    expect(error.code).toBe(Status.FAILED_PRECONDITION);
    expect(error.extra.find((detail): detail is ErrorInfo => detail.$type === ErrorInfo.$type)?.reason).toBe('PAYMENT_DECLINED');
    expect(await stockInDb(world.app, product.id)).toBe(2);
  });

  it.each([
    ['idempotency_key', { idempotencyKey: '', lines: [{ productId: '00000000-0000-4000-8000-000000000000', quantity: 1 }], payment: { cardToken: 'tok_approved' } }],
    ['lines', { idempotencyKey: 'k-1', lines: [], payment: { cardToken: 'tok_approved' } }],
    ['lines[0].product_id', { idempotencyKey: 'k-1', lines: [{ productId: 'x', quantity: 1 }], payment: { cardToken: 'tok_approved' } }],
    ['lines[0].quantity', { idempotencyKey: 'k-1', lines: [{ productId: '00000000-0000-4000-8000-000000000000', quantity: 0 }], payment: { cardToken: 'tok_approved' } }],
    ['payment.card_token', { idempotencyKey: 'k-1', lines: [{ productId: '00000000-0000-4000-8000-000000000000', quantity: 1 }], payment: undefined }],
  ])('when %s is bad, then INVALID_ARGUMENT names it and nothing is placed', async (field, request) => {
    const customer = await world.app.customer();
    const error = await failure(clients(customer.token).orders.placeOrder(request));

    expect(error.code).toBe(Status.INVALID_ARGUMENT);
    const fields = error.extra.flatMap((detail) => (detail.$type === 'google.rpc.BadRequest' ? detail.fieldViolations.map((v) => v.field) : []));
    expect(fields).toContain(field);
  });

  it('when the deadline is shorter than a slow gateway, then DEADLINE_EXCEEDED and the order is settled afterwards', async () => {
    const admin = await world.app.admin();
    const product = await createProduct(admin, { stock: 2 });
    const customer = await world.app.customer();
    const client = clients(customer.token);
    await world.gateway.setFaults({ latency_ms: { min: 1500, max: 1500 }, scope: 'authorize' });
    try {
      const key = uniqueKey('slow');
      // grpc-js itself, so the deadline travels as `grpc-timeout` (nice-grpc needs a client middleware for it).
      const error = await placeWithDeadline(world.app.service.grpcPort!, customer.token, { idempotencyKey: key, lines: [{ productId: product.id, quantity: 1 }], payment: { cardToken: 'tok_approved' } }, 300);
      expect(error?.code).toBe(Status.DEADLINE_EXCEEDED);
      await world.gateway.setFaults({});
      // The retry with the same key tells how the first ended: one order, never two. While the
      // cut-short call still settles, the key is in progress (ABORTED): retried until it answers.
      const retry = () => client.orders.placeOrder({ idempotencyKey: key, lines: [{ productId: product.id, quantity: 1 }], payment: { cardToken: 'tok_approved' } });
      let answer: Awaited<ReturnType<typeof retry>> | undefined;
      await expect
        .poll(
          async () =>
            (answer = await retry().catch((caught: unknown) => {
              if (caught instanceof ClientError && caught.code === Status.ABORTED) return undefined;
              throw caught;
            })),
          { timeout: 10_000, interval: 50 },
        )
        .toBeDefined();
      expect(answer?.order?.status).toBe('paid');
      const orders = await client.orders.listOrders({ pageSize: 10, pageToken: '', userId: '', status: '' });
      // The cut-short placement ended with everything undone (its key let go), or is the one paid order: never two paid, none left pending.
      expect(orders.orders.filter((order) => order.status === 'paid')).toHaveLength(1);
      expect(orders.orders.filter((order) => order.status === 'pending')).toHaveLength(0);
      expect(await stockInDb(world.app, product.id)).toBe(1);
      // Nothing leaked: no transaction of the app is left open on its database.
      const { rows } = await world.app.database.pool.query<{ n: string }>(
        "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%' AND pid <> pg_backend_pid()",
      );
      expect(Number(rows[0]!.n)).toBe(0);
    } finally {
      await world.gateway.setFaults({});
    }
  });

  // Last: failed gateway calls count towards the breaker.
  it('when the gateway fails every attempt and holds nothing, then UNAVAILABLE PAYMENT_UNAVAILABLE with RetryInfo and the stock is back', async () => {
    const admin = await world.app.admin();
    const product = await createProduct(admin, { stock: 2 });
    const customer = await world.app.customer();
    await world.gateway.setFaults({ fail_next: 10, scope: 'authorize' });
    try {
      const error = await failure(clients(customer.token).orders.placeOrder({ idempotencyKey: uniqueKey('down'), lines: [{ productId: product.id, quantity: 1 }], payment: { cardToken: 'tok_approved' } }));

      expect(error.code).toBe(Status.UNAVAILABLE);
      expect(error.extra.find((detail): detail is ErrorInfo => detail.$type === ErrorInfo.$type)?.reason).toBe('PAYMENT_UNAVAILABLE');
      expect(error.extra.some((detail) => detail.$type === 'google.rpc.RetryInfo')).toBe(true);
      expect(await stockInDb(world.app, product.id)).toBe(2);
    } finally {
      await world.gateway.setFaults({});
    }
  });
});

function placeWithDeadline(port: number, token: string, request: PlaceOrderRequest, timeoutMs: number): Promise<{ code?: Status } | undefined> {
  const client = new grpcJs.Client(`127.0.0.1:${port}`, grpcJs.credentials.createInsecure());
  const metadata = new grpcJs.Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      '/ordersvc.v1.OrderService/PlaceOrder',
      (message: PlaceOrderRequest) => Buffer.from(PlaceOrderRequest.encode(message).finish()),
      (bytes: Buffer) => PlaceOrderResponse.decode(bytes),
      request,
      metadata,
      { deadline: Date.now() + timeoutMs },
      (error) => {
        client.close();
        resolve(error ?? undefined);
      },
    );
  });
}
