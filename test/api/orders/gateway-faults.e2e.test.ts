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
  reservedInDb,
  startOrdersWorld,
  stockInDb,
  stockViaApi,
  uniqueKey,
  type OrdersWorld,
  type PlaceOrderAnswer,
} from '../../support/orders-api.ts';

// Short budgets so that faults resolve in about a second: 3 attempts of at most
// 300 ms within 1.5 s; an open breaker probes after 2 s (long enough to observe
// it open); pending orders older than 3 s (longer than any request here) are
// recovered, every 1.5 s.
const ATTEMPT_TIMEOUT_MS = 300;
const RETRY_BUDGET_MS = 1_500;
const BREAKER_RESET_MS = 2_000;
const RECOVER_AFTER_MS = 3_000;

let world: OrdersWorld;
let app: TestApp;
let admin: SignedIn;
let customer: SignedIn;

beforeAll(async () => {
  world = await startOrdersWorld({
    PAYMENT_ATTEMPT_TIMEOUT_MS: String(ATTEMPT_TIMEOUT_MS),
    PAYMENT_MAX_ATTEMPTS: '3',
    PAYMENT_MAX_RETRY_TIME_MS: String(RETRY_BUDGET_MS),
    PAYMENT_BREAKER_RESET_MS: String(BREAKER_RESET_MS),
    ORDER_RECOVER_AFTER_MS: String(RECOVER_AFTER_MS),
    HTTP_REQUEST_BUDGET_MS: '2000',
    ORDER_SETTLE_TIMEOUT_MS: '1000',
  });
  app = world.app;
  admin = await app.admin();
  customer = await app.customer();
});

afterAll(async () => {
  await world?.stop();
});

// No faults, no authorizations, counters at zero; hung requests of the previous test are cut.
beforeEach(async () => {
  await world.gateway.reset();
});

/** What the sandbox holds for an order (its idempotency key is the order id). */
async function authorizationOf(orderId: string): Promise<{ id: string; status: string } | undefined> {
  const response = await fetch(`${world.sandbox.url}/v1/authorizations?idempotency_key=${encodeURIComponent(orderId)}`);
  const { items } = (await response.json()) as { items: { id: string; status: string }[] };
  return items[0];
}

/** Waits until no order of the product is pending (the recovery routine settled them). */
async function untilNoPendingOrders(productId: string): Promise<void> {
  await expect
    .poll(async () => (await orderStatusesInDb(app, productId)).pending ?? 0, { timeout: 15_000, interval: 100 })
    .toBe(0);
}

describe('transient gateway failures', () => {
  it('when the gateway fails twice with 5xx and then answers, then the order is paid with exactly one authorization', async () => {
    const product = await createProduct(admin, { stock: 5 });
    await world.gateway.setFaults({ fail_next: 2, scope: 'authorize' });

    const answer = await placeOrder(customer.api, { lines: [product.id] });

    expect(answer.status).toBe(201);
    expect(asOrder(answer)).toMatchObject({ status: 'paid' });
    const stats = await world.gateway.stats();
    expect(stats.authorizations).toBe(1);
    expect(stats.by_status).toMatchObject({ approved: 1 });
    // Two refused attempts and the one that went through.
    expect(stats.requests).toBe(3);
    expect((await authorizationOf(asOrder(answer).id))?.id).toBe(asOrder(answer).authorization_id);
    expect(await stockInDb(app, product.id)).toBe(4);
  });

  it('when the answer to an authorization is lost after the gateway committed it, then the retry gets the same authorization and the order is paid', async () => {
    const product = await createProduct(admin, { stock: 5 });
    await world.gateway.setFaults({ fail_after_commit_next: 1 });

    const answer = await placeOrder(customer.api, { lines: [product.id] });

    expect(answer.status).toBe(201);
    expect(asOrder(answer)).toMatchObject({ status: 'paid' });
    const stats = await world.gateway.stats();
    expect(stats.authorizations).toBe(1);
    expect(stats.by_status).toMatchObject({ approved: 1, voided: 0 });
    expect(await authorizationOf(asOrder(answer).id)).toMatchObject({ id: asOrder(answer).authorization_id, status: 'approved' });
    expect(await stockInDb(app, product.id)).toBe(4);
  });
});

describe('a gateway that does not answer', () => {
  it('when authorizations hang past the timeout, then 503 PAYMENT_UNAVAILABLE with Retry-After within the retry budget, the stock is back and a retry with the key runs afresh', async () => {
    const product = await createProduct(admin, { stock: 5 });
    await world.gateway.setFaults({ hang_rate: 1, scope: 'authorize' });
    const key = uniqueKey();

    const answer = await placeOrder(customer.api, { lines: [product.id], key });

    expect(answer.status).toBe(503);
    expect(asProblem(answer)).toMatchObject({ code: 'PAYMENT_UNAVAILABLE' });
    expect(Number(answer.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // Three timed-out attempts, then the lookup that found nothing; all within the budget.
    expect(answer.elapsedMs).toBeGreaterThanOrEqual(2 * ATTEMPT_TIMEOUT_MS);
    expect(answer.elapsedMs).toBeLessThan(RETRY_BUDGET_MS + 1_500);
    expect(await stockInDb(app, product.id)).toBe(5);
    expect(await stockViaApi(app, product.id)).toBe(5);
    expect(await reservedInDb(app, product.id)).toBe(0);
    expect(await orderStatusesInDb(app, product.id)).toEqual({ payment_failed: 1 });
    const [failed] = await listAllOrders(customer.api, { status: 'payment_failed' });
    expect(failed).toMatchObject({ failure_code: 'payment_unavailable', lines: [{ product_id: product.id }] });
    expect((await world.gateway.stats()).authorizations).toBe(0);

    // Everything was undone, so the key was given up: the same request now places the order.
    await world.gateway.clearFaults();
    const retried = await placeOrder(customer.api, { lines: [product.id], key });
    expect(retried.status).toBe(201);
    expect(retried.headers.get('idempotent-replayed')).toBeNull();
    expect(await stockInDb(app, product.id)).toBe(4);
  });

  it('when the gateway hangs on every call so the outcome cannot be known, then 202 with the pending order, and recovery settles it and returns the stock once the gateway is back', async () => {
    const product = await createProduct(admin, { stock: 5 });
    await world.gateway.setFaults({ hang_rate: 1 });
    const key = uniqueKey();

    const answer = await placeOrder(customer.api, { lines: [product.id], key });

    expect(answer.status).toBe(202);
    const pending = asOrder(answer);
    expect(pending).toMatchObject({ status: 'pending', authorization_id: null });
    expect(answer.headers.get('location')).toBe(`/v1/orders/${pending.id}`);
    // Held while its fate is unknown, never lost.
    expect((await stockInDb(app, product.id)) + (await reservedInDb(app, product.id))).toBe(5);

    await world.gateway.clearFaults();
    await expect.poll(async () => (await getOrder(customer.api, pending.id)).status, { timeout: 15_000, interval: 100 }).toBe('payment_failed');

    expect(await getOrder(customer.api, pending.id)).toMatchObject({ failure_code: 'payment_not_completed' });
    expect(await stockInDb(app, product.id)).toBe(5);
    expect(await reservedInDb(app, product.id)).toBe(0);
    expect((await world.gateway.stats()).authorizations).toBe(0);
    // Its recovery was also queued as a job of its own (whichever came first, the sweep or the job, settled it once).
    const { data: jobs } = await admin.api.GET('/v1/admin/jobs', { params: { query: { queue: 'order-recovery', limit: 100 } } });
    expect(jobs!.items.filter((job) => (job.payload as { orderId?: string }).orderId === pending.id)).toHaveLength(1);

    // A repeat with the key answers from the order as it is now, not with the 202 of the time it was pending.
    const replayed = await placeOrder(customer.api, { lines: [product.id], key });
    expect(replayed.status).toBe(409);
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    expect(asProblem(replayed)).toMatchObject({ code: 'ORDER_NOT_PAID', order_id: pending.id, order_status: 'payment_failed', failure_code: 'payment_not_completed' });
    expect(await placeOrder(customer.api, { lines: [product.id], key })).toMatchObject({ status: 409, body: asProblem(replayed) });
  });
});

describe('rate limiting by the gateway', () => {
  it('when the gateway answers 429 with Retry-After once, then the adapter waits as asked and the order is paid', async () => {
    const product = await createProduct(admin, { stock: 5 });
    await world.gateway.setFaults({ rate_limit_rate: 1, retry_after_s: 1, scope: 'authorize' });

    const placing = placeOrder(customer.api, { lines: [product.id] });
    // The first attempt was turned away: lift the limit before the retry the gateway asked for.
    await expect.poll(async () => (await world.gateway.stats()).requests, { timeout: 5_000, interval: 10 }).toBeGreaterThanOrEqual(1);
    await world.gateway.clearFaults();
    const answer = await placing;

    expect(answer.status).toBe(201);
    expect(answer.elapsedMs).toBeGreaterThanOrEqual(1_000);
    const stats = await world.gateway.stats();
    expect(stats.requests).toBe(2);
    expect(stats.authorizations).toBe(1);
    expect(await stockInDb(app, product.id)).toBe(4);
  });

  it('when the gateway keeps answering 429 with Retry-After, then 503 PAYMENT_UNAVAILABLE with Retry-After and the stock is back', async () => {
    const product = await createProduct(admin, { stock: 5 });
    await world.gateway.setFaults({ rate_limit_rate: 1, retry_after_s: 1, scope: 'authorize' });

    const answer = await placeOrder(customer.api, { lines: [product.id] });

    expect(answer.status).toBe(503);
    expect(asProblem(answer)).toMatchObject({ code: 'PAYMENT_UNAVAILABLE' });
    expect(Number(answer.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // It waited the asked second once; a second wait would not fit the budget.
    expect(answer.elapsedMs).toBeGreaterThanOrEqual(1_000);
    expect(answer.elapsedMs).toBeLessThan(RETRY_BUDGET_MS + 1_500);
    const stats = await world.gateway.stats();
    expect(stats.authorizations).toBe(0);
    expect(await stockInDb(app, product.id)).toBe(5);
    expect(await reservedInDb(app, product.id)).toBe(0);
    expect(await orderStatusesInDb(app, product.id)).toEqual({ payment_failed: 1 });
  });
});

// Last: these open the breaker (and close it again).
describe('the circuit breaker', () => {
  /**
   * Every call fails (5xx) until orders stop reaching the gateway: the breaker
   * is open. Returns when the last order that found it open started.
   */
  async function openTheBreaker(productId: string): Promise<{ openedAt: number; answers: PlaceOrderAnswer[] }> {
    await world.gateway.setFaults({ error_rate: 1 });
    const answers: PlaceOrderAnswer[] = [];
    for (let i = 0; i < 30; i += 1) {
      const before = (await world.gateway.stats()).requests;
      const startedAt = performance.now();
      answers.push(await placeOrder(customer.api, { lines: [productId] }));
      if ((await world.gateway.stats()).requests === before) return { openedAt: startedAt, answers };
    }
    throw new Error(`the breaker never opened: ${JSON.stringify(answers.map((answer) => answer.status))}`);
  }

  /** A gateway that could not be asked: 503 with Retry-After, or, when its outcome is not known, 202 with the pending order. */
  function expectUnavailableOrPending(answer: PlaceOrderAnswer): void {
    expect([202, 503]).toContain(answer.status);
    if (answer.status === 503) {
      expect(asProblem(answer)).toMatchObject({ code: 'PAYMENT_UNAVAILABLE' });
      expect(Number(answer.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    } else {
      expect(asOrder(answer)).toMatchObject({ status: 'pending', authorization_id: null });
      expect(answer.headers.get('location')).toBe(`/v1/orders/${asOrder(answer).id}`);
    }
  }

  /** Once the gateway is healthy: places orders until one is paid (the breaker let a probe through and closed). */
  async function untilAnOrderIsPaid(productId: string): Promise<number> {
    let paid = 0;
    await expect
      .poll(
        async () => {
          const answer = await placeOrder(customer.api, { lines: [productId] });
          if (answer.status === 201) paid += 1;
          return answer.status;
        },
        { timeout: BREAKER_RESET_MS + 5_000, interval: 100 },
      )
      .toBe(201);
    return paid;
  }

  it('when the gateway keeps failing, then the breaker opens, orders are answered at once without calling the gateway, no stock is lost, and after the reset time orders are paid again', async () => {
    const stock = 100;
    const product = await createProduct(admin, { stock });

    const { openedAt, answers } = await openTheBreaker(product.id);
    // Before it opened, the gateway failed every call, the lookup of the authorization too: the outcome is not known.
    expect(answers.length).toBeGreaterThan(1);
    answers.forEach(expectUnavailableOrPending);

    // While open: answered at once, the gateway is not called.
    const requestsWhileOpen = (await world.gateway.stats()).requests;
    const whileOpen: PlaceOrderAnswer[] = [];
    for (let i = 0; i < 3; i += 1) whileOpen.push(await placeOrder(customer.api, { lines: [product.id] }));
    expect(performance.now() - openedAt, 'the checks took longer than the breaker stays open').toBeLessThan(BREAKER_RESET_MS);
    expect((await world.gateway.stats()).requests).toBe(requestsWhileOpen);
    for (const answer of whileOpen) {
      expect(answer.elapsedMs).toBeLessThan(ATTEMPT_TIMEOUT_MS);
      expectUnavailableOrPending(answer);
    }

    // The gateway recovers: once the breaker let a probe through, orders are paid again.
    await world.gateway.clearFaults();
    let paid = await untilAnOrderIsPaid(product.id);
    const next = await placeOrder(customer.api, { lines: [product.id] });
    expect(next.status).toBe(201);
    paid += 1;

    // Whatever the failures left pending is settled by recovery; only the paid orders hold stock.
    await untilNoPendingOrders(product.id);
    expect(await reservedInDb(app, product.id)).toBe(paid);
    expect(await stockInDb(app, product.id)).toBe(stock - paid);
    expect(await stockViaApi(app, product.id)).toBe(stock - paid);
    expect((await orderStatusesInDb(app, product.id)).paid).toBe(paid);
    expect((await world.gateway.stats()).by_status.approved).toBe(paid);
  });

  // With the breaker open the authorization is never sent, so the outcome is known at once.
  it('when the breaker is open, then an order is refused with 503 PAYMENT_UNAVAILABLE and Retry-After and holds no stock', async () => {
    const stock = 100;
    const product = await createProduct(admin, { stock });
    try {
      await openTheBreaker(product.id);
      const before = await stockInDb(app, product.id);

      const answer = await placeOrder(customer.api, { lines: [product.id] });

      expect(answer.status).toBe(503);
      expect(asProblem(answer)).toMatchObject({ code: 'PAYMENT_UNAVAILABLE' });
      expect(Number(answer.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(await stockInDb(app, product.id)).toBe(before);
    } finally {
      await world.gateway.clearFaults();
      await untilNoPendingOrders(product.id);
    }
  });
});
