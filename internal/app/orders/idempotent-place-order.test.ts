import { v7 as uuidv7 } from 'uuid';
import { beforeEach, describe, expect, it } from 'vitest';
import { orderOf, orderWorld, type OrderWorld } from '../../../test/support/order-world.ts';
import { testContext } from '../../../test/support/test-context.ts';
import type { StoredResponse } from '../../domain/idempotency/idempotency-store.ts';
import { IdempotencyKeyReusedError, RequestInProgressError } from '../../domain/idempotency/idempotency.errors.ts';
import { AuthenticationRequiredError } from '../../domain/identity/identity.errors.ts';
import { PaymentUnavailableError } from '../../domain/payment/payment.errors.ts';
import type { Product } from '../../domain/product/product.ts';
import type { Context } from '../../domain/shared/context.ts';
import { ValidationError } from '../../domain/shared/domain-error.ts';
import { markPaid, markPaymentFailed, priceOrder, type Order } from '../../domain/order/order.ts';
import { IdempotentPlaceOrder, type PlacementOutcome } from './idempotent-place-order.ts';
import type { PlaceOrderInput } from './place-order.use-case.ts';
import { requestFingerprint } from './request-fingerprint.ts';

let world: OrderWorld;
let idempotent: IdempotentPlaceOrder;
let buyer: Context;
let mug: Product;
const STALE_AFTER_MS = 30_000;

beforeEach(async () => {
  world = orderWorld();
  idempotent = new IdempotentPlaceOrder(world.placeOrder, world.orders, world.idempotency, { retryAfterMs: 1_500, staleAfterMs: STALE_AFTER_MS });
  buyer = world.customer();
  mug = await world.product({ stock: 10 });
});

// What a transport would send: the order as placed, or the problem's code.
function render(outcome: PlacementOutcome): StoredResponse {
  switch (outcome.kind) {
    case 'placed':
      return { status: 201, body: { id: outcome.order.id, status: outcome.order.status } };
    case 'pending':
      return { status: 202, body: { id: outcome.order.id, status: outcome.order.status } };
    case 'refused':
      return { status: outcome.error.kind === 'payment_required' ? 402 : 409, body: { code: outcome.error.code } };
  }
}

const fingerprintOf = (order: PlaceOrderInput) => requestFingerprint('POST', '/v1/orders', { lines: order.lines, card_token: order.cardToken });

const place = (order: PlaceOrderInput, key = 'key-1', ctx = buyer) => idempotent.execute(ctx, { key, fingerprint: fingerprintOf(order), order, render });

const allOrders = () => world.orders.listForUser(world.system, undefined, { limit: 100 });

describe('IdempotentPlaceOrder', () => {
  it('when a request is repeated with its key, then the first response is replayed and the order placed once', async () => {
    const first = await place(orderOf([mug]));

    const second = await place(orderOf([mug]));

    expect(first).toMatchObject({ status: 201, body: { status: 'paid' }, replayed: false });
    expect(second).toEqual({ ...first, replayed: true });
    expect(await allOrders()).toHaveLength(1);
    expect(world.gateway.callsOf('authorize')).toHaveLength(1);
  });

  it('when the key comes back with another body, then IdempotencyKeyReusedError is thrown and nothing runs', async () => {
    await place(orderOf([mug]));

    const reused = place(orderOf([mug], 'tok_approved', 2));

    await expect(reused).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
    await expect(reused).rejects.toMatchObject({ kind: 'unprocessable', code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(await allOrders()).toHaveLength(1);
  });

  it('when the key is still in progress, then RequestInProgressError says when to come back', async () => {
    world.gateway.makeSlow(100);
    const running = place(orderOf([mug]));

    const error = await place(orderOf([mug])).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(RequestInProgressError);
    expect((error as RequestInProgressError).details).toEqual({ retryAfterSeconds: 2 });
    expect((await running).status).toBe(201);
  });

  it('when 20 requests with one key arrive at once, then the order is placed once and the others are told it is in progress', async () => {
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => place(orderOf([mug]))));
    const later = await place(orderOf([mug]));

    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((result) => result.status === 'rejected').every((result) => result.reason instanceof RequestInProgressError)).toBe(true);
    expect(await allOrders()).toHaveLength(1);
    expect(world.gateway.callsOf('authorize')).toHaveLength(1);
    expect(later).toMatchObject({ status: 201, replayed: true });
  });

  it.each([
    ['a declined card', () => orderOf([mug], 'tok_declined'), 402, 'PAYMENT_DECLINED'],
    ['short stock', () => orderOf([mug], 'tok_approved', 11), 409, 'INSUFFICIENT_STOCK'],
  ])('when the order is refused for %s, then the refusal is stored and replayed without a second order', async (_, input, status, code) => {
    const first = await place(input());

    const second = await place(input());

    expect(first).toEqual({ status, body: { code }, replayed: false });
    expect(second).toEqual({ status, body: { code }, replayed: true });
    expect(await allOrders()).toHaveLength(1);
  });

  it('when the input is invalid, then nothing is stored and the corrected request may use the key', async () => {
    await expect(place({ lines: [], cardToken: 'tok_approved' })).rejects.toBeInstanceOf(ValidationError);

    const corrected = await place(orderOf([mug]));

    expect(corrected).toMatchObject({ status: 201, replayed: false });
  });

  it('when the payment is confirmed unavailable and the order failed cleanly, then the key is free and a retry places a new order', async () => {
    world.gateway.failOn('authorize');
    await expect(place(orderOf([mug]))).rejects.toBeInstanceOf(PaymentUnavailableError);
    world.gateway.heal('authorize');

    const retried = await place(orderOf([mug]));

    expect(retried).toMatchObject({ status: 201, body: { status: 'paid' }, replayed: false });
    expect((await allOrders()).map((order) => order.status).sort()).toEqual(['paid', 'payment_failed']);
  });

  it('when the payment outcome is unknown, then the pending order is stored and replayed, and no second order is placed', async () => {
    world.gateway.makeUnavailable();

    const first = await place(orderOf([mug]));
    world.gateway.makeAvailable();
    const second = await place(orderOf([mug]));

    expect(first).toMatchObject({ status: 202, body: { status: 'pending' }, replayed: false });
    expect(second).toEqual({ ...first, replayed: true });
    expect(await allOrders()).toHaveLength(1);
  });

  it('when a placement ends pending, then its recovery is scheduled once; a paid one schedules nothing', async () => {
    const pendingOrders: string[] = [];
    const watched = new IdempotentPlaceOrder(world.placeOrder, world.orders, world.idempotency, {
      onPending: (_ctx, order) => Promise.resolve(void pendingOrders.push(order.id)),
    });
    const placeWatched = (input: PlaceOrderInput, key: string) => watched.execute(buyer, { key, fingerprint: fingerprintOf(input), order: input, render });
    await placeWatched(orderOf([mug]), 'paid-key');
    world.gateway.makeUnavailable();

    const pending = await placeWatched(orderOf([mug]), 'pending-key');
    await placeWatched(orderOf([mug]), 'pending-key');

    expect(pending).toMatchObject({ status: 202, replayed: false });
    expect(pendingOrders).toEqual([(pending.body as { id: string }).id]);
  });

  it('when scheduling the recovery fails, then the answer is still the pending order and the failure is logged', async () => {
    const failing = new IdempotentPlaceOrder(world.placeOrder, world.orders, world.idempotency, {
      onPending: () => Promise.reject(new Error('the job queue is down')),
    });
    world.gateway.makeUnavailable();

    const input = orderOf([mug]);
    const answer = await failing.execute(buyer, { key: 'k', fingerprint: fingerprintOf(input), order: input, render });

    expect(answer).toMatchObject({ status: 202 });
    expect(world.logged('error')).toContain('scheduling the recovery of a pending order failed; the recovery sweep will find it');
  });

  it('when another user sends the same key, then it is a request of its own', async () => {
    await place(orderOf([mug]));

    const other = await place(orderOf([mug]), 'key-1', world.customer());

    expect(other).toMatchObject({ status: 201, replayed: false });
    expect(await allOrders()).toHaveLength(2);
  });

  it.each([
    ['empty', ''],
    ['256 characters long', 'k'.repeat(256)],
    ['holding a space', 'my key'],
    ['holding a line break', 'key\n1'],
  ])('when the key is %s, then ValidationError names the header', async (_, key) => {
    const error = await place(orderOf([mug]), key).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((issue) => issue.pointer)).toEqual(['/header/idempotency-key']);
  });

  it('when nobody is signed in, then AuthenticationRequiredError is thrown', async () => {
    await expect(place(orderOf([mug]), 'key-1', testContext())).rejects.toBeInstanceOf(AuthenticationRequiredError);
  });
});

describe('requestFingerprint', () => {
  it('when two bodies differ only in key order and absent fields, then they have one fingerprint', () => {
    const a = requestFingerprint('post', '/v1/orders', { card_token: 't', lines: [{ product_id: 'p', quantity: 1 }], note: undefined });
    const b = requestFingerprint('POST', '/v1/orders', { lines: [{ quantity: 1, product_id: 'p' }], card_token: 't' });

    expect(a).toBe(b);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each([
    ['another body', 'POST', '/v1/orders', { lines: [{ product_id: 'p', quantity: 2 }], card_token: 't' }],
    ['another path', 'POST', '/v2/orders', { lines: [{ product_id: 'p', quantity: 1 }], card_token: 't' }],
    ['another method', 'PUT', '/v1/orders', { lines: [{ product_id: 'p', quantity: 1 }], card_token: 't' }],
  ])('when a request has %s, then its fingerprint differs', (_, method, path, body) => {
    const base = requestFingerprint('POST', '/v1/orders', { lines: [{ product_id: 'p', quantity: 1 }], card_token: 't' });

    expect(requestFingerprint(method, path, body)).not.toBe(base);
  });

  it('when the same lines come in another order, then the fingerprint differs (arrays keep their order)', () => {
    const [p, q] = [uuidv7(), uuidv7()];

    const forth = requestFingerprint('POST', '/v1/orders', { lines: [{ product_id: p }, { product_id: q }] });
    const back = requestFingerprint('POST', '/v1/orders', { lines: [{ product_id: q }, { product_id: p }] });

    expect(forth).not.toBe(back);
  });

  describe('after the first request died unanswered (a crash)', () => {
    /** What a process that died mid-request leaves: the key in progress and, if it got that far, its order. */
    async function deadRequest(input: PlaceOrderInput, ended?: (order: Order) => Order): Promise<Order | undefined> {
      const userId = buyer.principal!.userId;
      await world.idempotency.begin(world.system, { userId, key: 'key-1', fingerprint: fingerprintOf(input), ttlMs: 24 * 3_600_000 });
      if (!ended) return undefined;
      const products = await world.catalog.findMany(world.system, [mug.id]);
      const created = await world.orders.create(world.system, { ...priceOrder(uuidv7(), userId, input.lines, products), idempotencyKey: 'key-1' });
      return world.orders.update(world.system, created.id, ended);
    }

    it('when the key is in progress for less than the stale time, then the retry is told to come back', async () => {
      await deadRequest(orderOf([mug]), (order) => order);
      world.advance(STALE_AFTER_MS - 1_000);

      await expect(place(orderOf([mug]))).rejects.toBeInstanceOf(RequestInProgressError);
    });

    it('when its order was paid (by recovery), then the retry gets 201 with it, stored for later retries', async () => {
      const order = await deadRequest(orderOf([mug]), (pending) => markPaid(pending, 'auth-1'));
      world.advance(STALE_AFTER_MS);

      const retried = await place(orderOf([mug]));
      const again = await place(orderOf([mug]));

      expect(retried).toEqual({ status: 201, body: { id: order!.id, status: 'paid' }, replayed: true });
      expect(again).toEqual(retried);
      expect(await allOrders()).toHaveLength(1);
      expect(world.gateway.callsOf('authorize')).toHaveLength(0);
    });

    it('when its order is still pending, then the retry gets 202 with it, and a later retry sees how it ended', async () => {
      const order = await deadRequest(orderOf([mug]), (pending) => pending);
      world.advance(STALE_AFTER_MS);

      const whilePending = await place(orderOf([mug]));
      await world.orders.update(world.system, order!.id, (pending) => markPaid(pending, 'auth-1'));
      const afterRecovery = await place(orderOf([mug]));

      expect(whilePending).toEqual({ status: 202, body: { id: order!.id, status: 'pending' }, replayed: true });
      expect(afterRecovery).toEqual({ status: 201, body: { id: order!.id, status: 'paid' }, replayed: true });
    });

    it('when its order ended unpaid, then the retry gets 409 ORDER_NOT_PAID and no new order is placed', async () => {
      await deadRequest(orderOf([mug]), (pending) => markPaymentFailed(pending, 'payment_not_completed'));
      world.advance(STALE_AFTER_MS);

      const retried = await place(orderOf([mug]));

      expect(retried).toEqual({ status: 409, body: { code: 'ORDER_NOT_PAID' }, replayed: true });
      expect(await allOrders()).toHaveLength(1);
    });

    it('when it died before creating an order, then one retry takes the key over and places the order, concurrent ones are told to wait', async () => {
      await deadRequest(orderOf([mug]));
      world.advance(STALE_AFTER_MS);

      const results = await Promise.allSettled(Array.from({ length: 5 }, () => place(orderOf([mug]))));
      const placed = results.filter((result) => result.status === 'fulfilled').map((result) => result.value);

      expect(placed).toEqual([expect.objectContaining({ status: 201, body: expect.objectContaining({ status: 'paid' }), replayed: false })]);
      expect(results.filter((result) => result.status === 'rejected').every((result) => result.reason instanceof RequestInProgressError)).toBe(true);
      expect(await allOrders()).toHaveLength(1);
      expect(world.logged('warn')).toContain('an idempotency key was left in progress without an order; the retry runs the request afresh');
    });

    it('when the retry is another request under the key, then it is still a mismatch', async () => {
      await deadRequest(orderOf([mug]), (order) => order);
      world.advance(STALE_AFTER_MS);

      await expect(place(orderOf([mug], 'tok_approved', 2))).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
    });
  });
});
