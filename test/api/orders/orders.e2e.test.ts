import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SignedIn, TestApp } from '../../support/test-app.ts';
import {
  asOrder,
  asProblem,
  createProduct,
  getOrder,
  listAllOrders,
  orderStatusesInDb,
  placeOrder,
  placeOrderBody,
  reservedInDb,
  startOrdersWorld,
  stockInDb,
  stockViaApi,
  uniqueKey,
  type OrdersWorld,
  type PlaceOrderAnswer,
} from '../../support/orders-api.ts';

let world: OrdersWorld;
let app: TestApp;
let admin: SignedIn;

beforeAll(async () => {
  world = await startOrdersWorld();
  app = world.app;
  admin = await app.admin();
});

afterAll(async () => {
  await world?.stop();
});

// Each test reads the sandbox's counters from zero.
beforeEach(async () => {
  await world.gateway.reset();
});

const countBy = <T>(items: readonly T[], key: (item: T) => string | number): Record<string, number> =>
  items.reduce<Record<string, number>>((counts, item) => {
    const k = String(key(item));
    counts[k] = (counts[k] ?? 0) + 1;
    return counts;
  }, {});

/** Sends the request as-is (any headers) and checks the answer against the contract. */
async function rawPlaceOrder(token: string, headers: Record<string, string>, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${app.baseUrl}/v1/orders`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  await app.contract.check('/v1/orders', 'POST', response);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function cancel(client: SignedIn, id: string) {
  const { data, error, response } = await client.api.POST('/v1/orders/{id}/cancel', { params: { path: { id } } });
  return { status: response.status, order: data, problem: error };
}

describe('placing orders', () => {
  it('when 100 orders race for the last 37 units, then exactly 37 are paid, the rest are refused for stock, and no stock or authorization is left over', async () => {
    const product = await createProduct(admin, { stock: 37 });
    const customers = await Promise.all(Array.from({ length: 5 }, () => app.customer()));

    const answers = await Promise.all(Array.from({ length: 100 }, (_, i) => placeOrder(customers[i % customers.length]!.api, { lines: [product.id] })));

    expect(countBy(answers, (answer) => answer.status)).toEqual({ 201: 37, 409: 63 });
    const paid = answers.filter((answer) => answer.status === 201).map(asOrder);
    for (const order of paid) expect(order).toMatchObject({ status: 'paid', authorization_id: expect.any(String), failure_code: null });
    expect(new Set(paid.map((order) => order.authorization_id)).size).toBe(37);
    for (const refused of answers.filter((answer) => answer.status === 409)) {
      expect(asProblem(refused)).toMatchObject({ code: 'INSUFFICIENT_STOCK', lines: [{ product_id: product.id, requested: 1, available: 0 }] });
    }

    expect(await stockInDb(app, product.id)).toBe(0);
    expect(await stockViaApi(app, product.id)).toBe(0);
    expect(await reservedInDb(app, product.id)).toBe(37);
    expect(await orderStatusesInDb(app, product.id)).toEqual({ paid: 37, rejected: 63 });
    // Every approved authorization belongs to a paid order: the failed orders' ones were voided or never made.
    const stats = await world.gateway.stats();
    expect(stats.by_status.approved).toBe(37);
    expect(stats.by_status.captured).toBe(0);
    expect(stats.authorizations).toBe(stats.by_status.approved + stats.by_status.voided);
  });

  it('when the card token is one the gateway does not know, then 402 PAYMENT_DECLINED says invalid_card without the gateway\'s internals, and the order failed with it', async () => {
    const product = await createProduct(admin, { stock: 5 });
    const customer = await app.customer();

    const answer = await placeOrder(customer.api, { lines: [product.id], cardToken: 'tok_whatever' });

    expect(answer.status).toBe(402);
    expect(asProblem(answer)).toMatchObject({ status: 402, code: 'PAYMENT_DECLINED', decline_code: 'invalid_card', detail: 'the payment was declined: invalid_card' });
    expect(JSON.stringify(answer.body)).not.toMatch(/invalid_card_token|unexpected answer|tok_whatever/);
    expect(await stockInDb(app, product.id)).toBe(5);
    expect(await listAllOrders(customer.api)).toEqual([expect.objectContaining({ status: 'payment_failed', failure_code: 'invalid_card', authorization_id: null })]);
    expect((await world.gateway.stats()).authorizations).toBe(0);
  });

  it.each([
    { cardToken: 'tok_declined', declineCode: 'card_declined' },
    { cardToken: 'tok_insufficient_funds', declineCode: 'insufficient_funds' },
    { cardToken: 'tok_fraud', declineCode: 'suspected_fraud' },
  ])('when the card is declined ($cardToken), then 402 PAYMENT_DECLINED says $declineCode, the stock is unchanged and the order is stored payment_failed', async ({ cardToken, declineCode }) => {
    const product = await createProduct(admin, { stock: 5 });
    const customer = await app.customer();

    const answer = await placeOrder(customer.api, { lines: [product.id], cardToken });

    expect(answer.status).toBe(402);
    expect(asProblem(answer)).toMatchObject({ status: 402, code: 'PAYMENT_DECLINED', decline_code: declineCode });
    expect(await stockInDb(app, product.id)).toBe(5);
    expect(await stockViaApi(app, product.id)).toBe(5);
    expect(await reservedInDb(app, product.id)).toBe(0);
    const orders = await listAllOrders(customer.api);
    expect(orders).toHaveLength(1);
    expect(orders[0]).toMatchObject({ status: 'payment_failed', failure_code: declineCode, lines: [{ product_id: product.id, quantity: 1 }] });
    const stats = await world.gateway.stats();
    expect(stats.by_status).toMatchObject({ declined: 1, approved: 0 });
  });

  describe('refused before any order exists', () => {
    let customer: SignedIn;

    beforeAll(async () => {
      customer = await app.customer();
    });

    async function expectNothingHappened(productIds: readonly string[], stocks: readonly number[]): Promise<void> {
      expect(await listAllOrders(customer.api)).toEqual([]);
      for (const [i, id] of productIds.entries()) expect(await stockInDb(app, id)).toBe(stocks[i]);
      expect((await world.gateway.stats()).requests).toBe(0);
    }

    it('when a line names a product that does not exist, then 422 UNKNOWN_PRODUCT names it and nothing is created', async () => {
      const product = await createProduct(admin, { stock: 3 });
      const missing = randomUUID();

      const answer = await placeOrder(customer.api, { lines: [product.id, missing] });

      expect(answer.status).toBe(422);
      expect(asProblem(answer)).toMatchObject({ code: 'UNKNOWN_PRODUCT', product_ids: [missing] });
      await expectNothingHappened([product.id], [3]);
    });

    it('when a product appears on two lines, then 400 points at the repeated line and nothing is created', async () => {
      const product = await createProduct(admin, { stock: 3 });

      const answer = await placeOrder(customer.api, {
        lines: [
          { productId: product.id, quantity: 1 },
          { productId: product.id, quantity: 2 },
        ],
      });

      expect(answer.status).toBe(400);
      expect(asProblem(answer)).toMatchObject({ code: 'VALIDATION_FAILED', errors: [expect.objectContaining({ pointer: '/body/lines/1/product_id' })] });
      await expectNothingHappened([product.id], [3]);
    });

    it('when the products are priced in two currencies, then 400 MIXED_CURRENCIES and nothing is created', async () => {
      const euro = await createProduct(admin, { stock: 3, currency: 'EUR' });
      const dollar = await createProduct(admin, { stock: 4, currency: 'USD' });

      const answer = await placeOrder(customer.api, { lines: [euro.id, dollar.id] });

      expect(answer.status).toBe(400);
      expect(asProblem(answer)).toMatchObject({ code: 'MIXED_CURRENCIES', currencies: ['EUR', 'USD'] });
      await expectNothingHappened([euro.id, dollar.id], [3, 4]);
    });

    it('when the Idempotency-Key header is missing, then 400 points at it and nothing is created', async () => {
      const product = await createProduct(admin, { stock: 3 });

      const answer = await rawPlaceOrder(customer.token, {}, placeOrderBody({ lines: [product.id] }));

      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [expect.objectContaining({ pointer: '/header/idempotency-key' })] });
      await expectNothingHappened([product.id], [3]);
    });
  });
});

describe('idempotent placement', () => {
  it('when a request is repeated with the same key and body, then the first answer is replayed and no second order is made', async () => {
    const product = await createProduct(admin, { stock: 5 });
    const customer = await app.customer();
    const key = uniqueKey();

    const first = await placeOrder(customer.api, { lines: [product.id], key });
    const requestsAfterFirst = (await world.gateway.stats()).requests;
    const replay = await placeOrder(customer.api, { lines: [product.id], key });

    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(first.body);
    expect(replay.headers.get('location')).toBe(first.headers.get('location'));
    expect(await listAllOrders(customer.api)).toHaveLength(1);
    expect(await stockInDb(app, product.id)).toBe(4);
    const stats = await world.gateway.stats();
    expect(stats.authorizations).toBe(1);
    // The replay never reached the gateway.
    expect(stats.requests).toBe(requestsAfterFirst);
  });

  it('when a declined request is repeated with the same key, then the 402 is replayed as it was', async () => {
    const product = await createProduct(admin, { stock: 5 });
    const customer = await app.customer();
    const key = uniqueKey();

    const first = await placeOrder(customer.api, { lines: [product.id], key, cardToken: 'tok_declined' });
    const replay = await placeOrder(customer.api, { lines: [product.id], key, cardToken: 'tok_declined' });

    expect(first.status).toBe(402);
    expect(replay.status).toBe(402);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(first.body);
    expect(await listAllOrders(customer.api)).toHaveLength(1);
    expect((await world.gateway.stats()).authorizations).toBe(1);
  });

  it('when a key is reused with another body, then 422 IDEMPOTENCY_KEY_REUSED and no second order is made', async () => {
    const product = await createProduct(admin, { stock: 5 });
    const customer = await app.customer();
    const key = uniqueKey();

    const first = await placeOrder(customer.api, { lines: [product.id], key });
    const reused = await placeOrder(customer.api, { lines: [{ productId: product.id, quantity: 2 }], key });

    expect(first.status).toBe(201);
    expect(reused.status).toBe(422);
    expect(asProblem(reused)).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(await listAllOrders(customer.api)).toHaveLength(1);
    expect(await stockInDb(app, product.id)).toBe(4);
    expect((await world.gateway.stats()).authorizations).toBe(1);
  });

  it('when two customers use the same key, then each gets an order of their own (keys are per customer)', async () => {
    const product = await createProduct(admin, { stock: 5 });
    const [alice, bob] = await Promise.all([app.customer(), app.customer()]);
    const key = uniqueKey();

    const forAlice = await placeOrder(alice.api, { lines: [product.id], key });
    const forBob = await placeOrder(bob.api, { lines: [product.id], key });

    expect([forAlice.status, forBob.status]).toEqual([201, 201]);
    expect(forBob.headers.get('idempotent-replayed')).toBeNull();
    expect(asOrder(forAlice).id).not.toBe(asOrder(forBob).id);
    expect(await stockInDb(app, product.id)).toBe(3);
  });

  it('when 20 requests with one key arrive at once, then one order is made and every answer is its 201 or 409 REQUEST_IN_PROGRESS with Retry-After', async () => {
    const product = await createProduct(admin, { stock: 5 });
    const customer = await app.customer();
    const key = uniqueKey();

    const answers = await Promise.all(Array.from({ length: 20 }, () => placeOrder(customer.api, { lines: [product.id], key })));

    const created = answers.filter((answer) => answer.status === 201);
    const inProgress = answers.filter((answer) => answer.status === 409);
    expect(created.length + inProgress.length).toBe(20);
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(created.filter((answer) => answer.headers.get('idempotent-replayed') !== 'true')).toHaveLength(1);
    for (const answer of created) expect(answer.body).toEqual(created[0]!.body);
    for (const answer of inProgress) {
      expect(asProblem(answer)).toMatchObject({ code: 'REQUEST_IN_PROGRESS' });
      expect(Number(answer.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    }

    const orders = await listAllOrders(customer.api);
    expect(orders).toHaveLength(1);
    expect(orders[0]).toMatchObject({ id: asOrder(created[0]!).id, status: 'paid' });
    expect(await stockInDb(app, product.id)).toBe(4);
    const stats = await world.gateway.stats();
    expect(stats.authorizations).toBe(1);
    // Once the first has finished, the key answers with its result.
    const later = await placeOrder(customer.api, { lines: [product.id], key });
    expect(later.status).toBe(201);
    expect(later.body).toEqual(created[0]!.body);
  });
});

describe('cancelling orders', () => {
  async function paidOrder(customer: SignedIn, productId: string): Promise<string> {
    const answer: PlaceOrderAnswer = await placeOrder(customer.api, { lines: [productId] });
    expect(answer.status).toBe(201);
    return asOrder(answer).id;
  }

  it('when a paid order is cancelled, then it is cancelled, its authorization voided and its stock returned', async () => {
    const product = await createProduct(admin, { stock: 5 });
    const customer = await app.customer();
    const id = await paidOrder(customer, product.id);
    const paid = await getOrder(customer.api, id);
    expect(await stockInDb(app, product.id)).toBe(4);

    const cancelled = await cancel(customer, id);

    expect(cancelled.status).toBe(200);
    expect(cancelled.order).toMatchObject({ id, status: 'cancelled', authorization_id: paid.authorization_id });
    expect((await world.gateway.stats()).by_status).toMatchObject({ approved: 0, voided: 1 });
    expect(await stockInDb(app, product.id)).toBe(5);
    expect(await stockViaApi(app, product.id)).toBe(5);
    expect(await reservedInDb(app, product.id)).toBe(0);
    expect(await getOrder(customer.api, id)).toMatchObject({ status: 'cancelled' });
  });

  it('when a cancelled order is cancelled again, then 409 ORDER_STATE_CONFLICT and nothing is voided or returned twice', async () => {
    const product = await createProduct(admin, { stock: 5 });
    const customer = await app.customer();
    const id = await paidOrder(customer, product.id);
    expect((await cancel(customer, id)).status).toBe(200);
    const before = await world.gateway.stats();

    const again = await cancel(customer, id);

    expect(again.status).toBe(409);
    expect(again.problem).toMatchObject({ code: 'ORDER_STATE_CONFLICT' });
    const after = await world.gateway.stats();
    expect(after.requests).toBe(before.requests);
    expect(after.by_status).toMatchObject({ approved: 0, voided: 1 });
    expect(await stockInDb(app, product.id)).toBe(5);
  });

  it('when an order that was never paid is cancelled, then 409 ORDER_STATE_CONFLICT', async () => {
    const product = await createProduct(admin, { stock: 5 });
    const customer = await app.customer();
    const declined = await placeOrder(customer.api, { lines: [product.id], cardToken: 'tok_declined' });
    const [order] = await listAllOrders(customer.api);
    expect(declined.status).toBe(402);

    const attempt = await cancel(customer, order!.id);

    expect(attempt.status).toBe(409);
    expect(attempt.problem).toMatchObject({ code: 'ORDER_STATE_CONFLICT' });
    expect(await stockInDb(app, product.id)).toBe(5);
  });

  it('when two cancels of one order race, then one wins with 200, the other gets 409, and the authorization is voided once', async () => {
    const product = await createProduct(admin, { stock: 5 });
    const customer = await app.customer();
    const id = await paidOrder(customer, product.id);

    const results = await Promise.all([cancel(customer, id), cancel(customer, id)]);

    expect(results.map((result) => result.status).sort()).toEqual([200, 409]);
    expect(results.find((result) => result.status === 409)!.problem).toMatchObject({ code: 'ORDER_STATE_CONFLICT' });
    expect((await world.gateway.stats()).by_status).toMatchObject({ approved: 0, voided: 1 });
    // Returned exactly once: not 6.
    expect(await stockInDb(app, product.id)).toBe(5);
    expect(await reservedInDb(app, product.id)).toBe(0);
  });

  it("when a customer reads or cancels another customer's order, then 404 ORDER_NOT_FOUND and the order stays paid", async () => {
    const product = await createProduct(admin, { stock: 5 });
    const [owner, stranger] = await Promise.all([app.customer(), app.customer()]);
    const id = await paidOrder(owner, product.id);

    const read = await stranger.api.GET('/v1/orders/{id}', { params: { path: { id } } });
    const cancelled = await cancel(stranger, id);

    expect(read.response.status).toBe(404);
    expect(read.error).toMatchObject({ code: 'ORDER_NOT_FOUND' });
    expect(cancelled.status).toBe(404);
    expect(cancelled.problem).toMatchObject({ code: 'ORDER_NOT_FOUND' });
    expect(await listAllOrders(stranger.api)).toEqual([]);
    expect(await getOrder(owner.api, id)).toMatchObject({ status: 'paid' });
    expect((await world.gateway.stats()).by_status).toMatchObject({ approved: 1, voided: 0 });
    expect(await stockInDb(app, product.id)).toBe(4);
  });
});

describe('listing orders', () => {
  it('when an admin lists orders, then every customer’s orders are there, and user_id and status filter them', async () => {
    const product = await createProduct(admin, { stock: 10 });
    const [alice, bob] = await Promise.all([app.customer(), app.customer()]);
    const aliceFirst = asOrder(await placeOrder(alice.api, { lines: [product.id] })).id;
    const aliceSecond = asOrder(await placeOrder(alice.api, { lines: [product.id] })).id;
    const bobPaid = asOrder(await placeOrder(bob.api, { lines: [product.id] })).id;
    await placeOrder(bob.api, { lines: [product.id], cardToken: 'tok_declined' });
    const [bobDeclined] = await listAllOrders(bob.api, { status: 'payment_failed' });
    expect((await cancel(alice, aliceFirst)).status).toBe(200);

    const all = await listAllOrders(admin.api);
    const ofAlice = await listAllOrders(admin.api, { user_id: alice.user.id });
    const ofBob = await listAllOrders(admin.api, { user_id: bob.user.id });
    const cancelled = await listAllOrders(admin.api, { status: 'cancelled' });
    const bobFailed = await listAllOrders(admin.api, { user_id: bob.user.id, status: 'payment_failed' });

    expect(all.map((order) => order.id)).toEqual(expect.arrayContaining([aliceFirst, aliceSecond, bobPaid, bobDeclined!.id]));
    expect(ofAlice.map((order) => order.id)).toEqual([aliceSecond, aliceFirst]);
    expect(ofBob.map((order) => order.id)).toEqual([bobDeclined!.id, bobPaid]);
    expect(cancelled.map((order) => order.id)).toContain(aliceFirst);
    expect(cancelled.every((order) => order.status === 'cancelled')).toBe(true);
    expect(bobFailed.map((order) => order.id)).toEqual([bobDeclined!.id]);
  });

  it("when a customer lists their orders, then only theirs come, newest first, a page at a time with next_cursor; naming another user is 403", async () => {
    const product = await createProduct(admin, { stock: 10 });
    const [customer, other] = await Promise.all([app.customer(), app.customer()]);
    await placeOrder(other.api, { lines: [product.id] });
    const placed: string[] = [];
    for (let i = 0; i < 5; i += 1) placed.push(asOrder(await placeOrder(customer.api, { lines: [product.id] })).id);

    const pages: { ids: string[]; cursor: string | null }[] = [];
    let cursor: string | undefined;
    do {
      const { data, response } = await customer.api.GET('/v1/orders', { params: { query: { limit: 2, ...(cursor ? { cursor } : {}) } } });
      expect(response.status).toBe(200);
      pages.push({ ids: data!.items.map((order) => order.id), cursor: data!.next_cursor });
      cursor = data!.next_cursor ?? undefined;
    } while (cursor !== undefined && pages.length < 10);

    expect(pages.map((page) => page.ids.length)).toEqual([2, 2, 1]);
    expect(pages.at(-1)!.cursor).toBeNull();
    expect(pages.flatMap((page) => page.ids)).toEqual([...placed].reverse());
    const forbidden = await customer.api.GET('/v1/orders', { params: { query: { user_id: other.user.id } } });
    expect(forbidden.response.status).toBe(403);
    expect(forbidden.error).toMatchObject({ code: 'FORBIDDEN' });
  });
});
