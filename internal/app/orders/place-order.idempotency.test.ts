import { v7 as uuidv7 } from 'uuid';
import { beforeEach, describe, expect, it } from 'vitest';
import { orderOf, orderWorld, type OrderWorld } from '../../../test/support/order-world.ts';
import { testContext } from '../../../test/support/test-context.ts';
import { markPaid, markPaymentFailed, priceOrder, type Order } from '../../domain/order/order.ts';
import type { Product } from '../../domain/product/product.ts';
import type { Context } from '../../domain/shared/context.ts';
import { placementFingerprint } from './placement-fingerprint.ts';
import type { PlaceOrder, PlaceOrderInput, PlacementOutcome } from './place-order.use-case.ts';

let world: OrderWorld;
let placement: PlaceOrder;
let buyer: Context;
let mug: Product;
const STALE_AFTER_MS = 30_000;

beforeEach(async () => {
  world = orderWorld();
  placement = world.placement({}, { retryAfterMs: 1_500, staleAfterMs: STALE_AFTER_MS });
  buyer = world.customer();
  mug = await world.product({ stock: 10 });
});

const place = (input: PlaceOrderInput, ctx = buyer) => placement.execute(ctx, input);
const mugs = (quantity = 1, cardToken = 'tok_approved', key = 'key-1') => orderOf([mug], cardToken, quantity, key);
const allOrders = () => world.orders.listForUser(world.system, undefined, { limit: 100 });
// What a transport would show of an outcome.
const seen = (outcome: PlacementOutcome) =>
  outcome.kind === 'refused'
    ? { kind: outcome.kind, code: outcome.error.code, replayed: outcome.replayed }
    : { kind: outcome.kind, id: outcome.order.id, status: outcome.order.status, replayed: outcome.replayed };

describe('PlaceOrder under an idempotency key', () => {
  it('when a request is repeated with its key, then the first outcome is replayed with its trace and the order placed once', async () => {
    const first = await place(mugs());

    const second = await place(mugs(), { ...buyer, traceId: 'another-trace' });

    expect(first).toMatchObject({ kind: 'placed', replayed: false, order: { status: 'paid' } });
    expect(second).toEqual({ ...first, replayed: true });
    expect(await allOrders()).toHaveLength(1);
    expect(world.gateway.callsOf('authorize')).toHaveLength(1);
  });

  it('when the key comes back with another command, then it is refused as IDEMPOTENCY_KEY_REUSED and nothing runs', async () => {
    await place(mugs());

    const reused = await place(mugs(2));

    expect(reused).toMatchObject({ kind: 'refused', replayed: false, error: { kind: 'unprocessable', code: 'IDEMPOTENCY_KEY_REUSED' } });
    expect(await allOrders()).toHaveLength(1);
  });

  it('when the key is still in progress, then it is refused as REQUEST_IN_PROGRESS saying when to come back', async () => {
    world.gateway.makeSlow(100);
    const running = place(mugs());

    const outcome = await place(mugs());

    expect(outcome).toMatchObject({ kind: 'refused', error: { code: 'REQUEST_IN_PROGRESS', kind: 'conflict', retryAfterMs: 1_500 } });
    expect((await running).kind).toBe('placed');
  });

  it('when 20 requests with one key arrive at once, then the order is placed once and the others are told it is in progress', async () => {
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => place(mugs())));
    const later = await place(mugs());

    expect(outcomes.filter((outcome) => outcome.kind === 'placed')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome.kind === 'refused' && outcome.error.code === 'REQUEST_IN_PROGRESS')).toHaveLength(19);
    expect(await allOrders()).toHaveLength(1);
    expect(world.gateway.callsOf('authorize')).toHaveLength(1);
    expect(later).toMatchObject({ kind: 'placed', replayed: true });
  });

  it.each([
    ['a declined card', () => mugs(1, 'tok_declined'), 'PAYMENT_DECLINED'],
    ['short stock', () => mugs(11), 'INSUFFICIENT_STOCK'],
  ])('when the order is refused for %s, then the refusal is recorded and replayed with the same code, message and details', async (_, input, code) => {
    const first = await place(input());

    const second = await place(input());

    expect(seen(first)).toEqual({ kind: 'refused', code, replayed: false });
    expect(second.kind === 'refused' && first.kind === 'refused' && { ...second.error }).toEqual({ ...(first.kind === 'refused' ? first.error : {}) });
    expect(second).toMatchObject({ kind: 'refused', replayed: true, traceId: first.traceId, error: { code, kind: first.kind === 'refused' ? first.error.kind : '', message: first.kind === 'refused' ? first.error.message : '' } });
    expect(await allOrders()).toHaveLength(1);
  });

  it('when the input is invalid, then nothing is recorded and the corrected request may use the key', async () => {
    expect(await place({ idempotencyKey: 'key-1', lines: [], cardToken: 'tok_approved' })).toMatchObject({ kind: 'refused', error: { code: 'VALIDATION_FAILED' } });

    expect(await place(mugs())).toMatchObject({ kind: 'placed', replayed: false });
  });

  it('when the payment is confirmed unavailable and the order failed cleanly, then the key is free and a retry places a new order', async () => {
    world.gateway.failOn('authorize');
    expect(await place(mugs())).toMatchObject({ kind: 'refused', error: { code: 'PAYMENT_UNAVAILABLE' } });
    world.gateway.heal('authorize');

    const retried = await place(mugs());

    expect(retried).toMatchObject({ kind: 'placed', replayed: false, order: { status: 'paid' } });
    expect((await allOrders()).map((order) => order.status).sort()).toEqual(['paid', 'payment_failed']);
  });

  it('when the outcome was pending and the order is still pending, then a repeat answers pending from the order as it is, and places nothing', async () => {
    world.gateway.makeUnavailable();
    const first = await place(mugs());
    world.gateway.makeAvailable();

    const second = await place(mugs());

    expect(seen(first)).toMatchObject({ kind: 'pending', status: 'pending', replayed: false });
    expect(second).toEqual({ ...first, replayed: true });
    expect(await allOrders()).toHaveLength(1);
    expect(world.scheduled).toHaveLength(1);
  });

  it.each([
    ['paid', (order: Order) => markPaid(order, 'auth-1'), { kind: 'placed', status: 'paid' }],
    ['failed', (order: Order) => markPaymentFailed(order, 'payment_not_completed'), { kind: 'refused', code: 'ORDER_NOT_PAID' }],
  ] as const)('when the outcome was pending and the order has since been %s, then a repeat answers from its current state, and so do later ones', async (_, settle, expected) => {
    world.gateway.makeUnavailable();
    const first = await place(mugs());
    const order = first.kind === 'pending' ? first.order : undefined;
    await world.orders.update(world.system, order!.id, settle);

    const repeat = await place(mugs());
    const later = await place(mugs());

    expect(seen(repeat)).toMatchObject({ ...expected, replayed: true });
    expect(later).toEqual(repeat);
    expect(await allOrders()).toHaveLength(1);
  });

  it('when another user sends the same key, then it is a request of its own', async () => {
    await place(mugs());

    const other = await place(mugs(), world.customer());

    expect(other).toMatchObject({ kind: 'placed', replayed: false });
    expect(await allOrders()).toHaveLength(2);
  });

  it.each([
    ['empty', ''],
    ['256 characters long', 'k'.repeat(256)],
    ['holding a space', 'my key'],
    ['holding a line break', 'key\n1'],
  ])('when the key is %s, then it is refused as invalid naming the key', async (_, key) => {
    const outcome = await place(mugs(1, 'tok_approved', key));

    expect(outcome.kind === 'refused' && 'issues' in outcome.error && outcome.error.issues).toEqual([expect.objectContaining({ field: 'idempotency_key' })]);
  });

  it('when nobody is signed in, then it is refused as unauthorized', async () => {
    expect(await place(mugs(), testContext())).toMatchObject({ kind: 'refused', error: { kind: 'unauthorized' } });
  });

  describe('after the first request died unanswered (a crash)', () => {
    /** What a process that died mid-request leaves: the key in progress and, if it got that far, its order. */
    async function deadRequest(input: PlaceOrderInput, ended?: (order: Order) => Order): Promise<Order | undefined> {
      const userId = buyer.principal!.userId;
      await world.idempotency.begin(world.system, { userId, key: 'key-1', fingerprint: placementFingerprint({ userId, ...input }), ttlMs: 24 * 3_600_000 });
      if (!ended) return undefined;
      const products = await world.catalog.findMany(world.system, [mug.id]);
      const created = await world.orders.create(world.system, { ...priceOrder(uuidv7(), userId, input.lines, products), idempotencyKey: 'key-1' });
      return world.orders.update(world.system, created.id, ended);
    }

    it('when the key is in progress for less than the stale time, then the retry is told to come back', async () => {
      await deadRequest(mugs(), (order) => order);
      world.advance(STALE_AFTER_MS - 1_000);

      expect(await place(mugs())).toMatchObject({ kind: 'refused', error: { code: 'REQUEST_IN_PROGRESS' } });
    });

    it('when its order was paid (by recovery), then the retry gets it placed, recorded for later retries', async () => {
      const order = await deadRequest(mugs(), (pending) => markPaid(pending, 'auth-1'));
      world.advance(STALE_AFTER_MS);

      const retried = await place(mugs());
      const again = await place(mugs());

      expect(seen(retried)).toEqual({ kind: 'placed', id: order!.id, status: 'paid', replayed: true });
      expect(again).toEqual(retried);
      expect(await allOrders()).toHaveLength(1);
      expect(world.gateway.callsOf('authorize')).toHaveLength(0);
    });

    it('when its order is still pending, then the retry gets it pending, and a later retry sees how it ended', async () => {
      const order = await deadRequest(mugs(), (pending) => pending);
      world.advance(STALE_AFTER_MS);

      const whilePending = await place(mugs());
      await world.orders.update(world.system, order!.id, (pending) => markPaid(pending, 'auth-1'));
      const afterRecovery = await place(mugs());

      expect(seen(whilePending)).toEqual({ kind: 'pending', id: order!.id, status: 'pending', replayed: true });
      expect(seen(afterRecovery)).toEqual({ kind: 'placed', id: order!.id, status: 'paid', replayed: true });
    });

    it('when its order ended unpaid, then the retry is refused as ORDER_NOT_PAID and no new order is placed', async () => {
      await deadRequest(mugs(), (pending) => markPaymentFailed(pending, 'payment_not_completed'));
      world.advance(STALE_AFTER_MS);

      const retried = await place(mugs());

      expect(seen(retried)).toEqual({ kind: 'refused', code: 'ORDER_NOT_PAID', replayed: true });
      expect(await allOrders()).toHaveLength(1);
    });

    it('when it died before creating an order, then one retry takes the key over and places the order, concurrent ones are told to wait', async () => {
      await deadRequest(mugs());
      world.advance(STALE_AFTER_MS);

      const outcomes = await Promise.all(Array.from({ length: 5 }, () => place(mugs())));

      expect(outcomes.filter((outcome) => outcome.kind === 'placed')).toEqual([expect.objectContaining({ replayed: false, order: expect.objectContaining({ status: 'paid' }) })]);
      expect(outcomes.filter((outcome) => outcome.kind === 'refused').map(seen)).toEqual(Array.from({ length: 4 }, () => expect.objectContaining({ code: 'REQUEST_IN_PROGRESS' })));
      expect(await allOrders()).toHaveLength(1);
      expect(world.logged('warn')).toContain('an idempotency key was left in progress without an order; the retry runs the request afresh');
    });

    it('when the retry is another command under the key, then it is still a mismatch', async () => {
      await deadRequest(mugs(), (order) => order);
      world.advance(STALE_AFTER_MS);

      expect(await place(mugs(2))).toMatchObject({ kind: 'refused', error: { code: 'IDEMPOTENCY_KEY_REUSED' } });
    });
  });

  it('when the record of a key expired but its order lives on, then a repeat is answered from that order rather than refused forever', async () => {
    const first = await place(mugs());
    world.advance(25 * 3_600_000);

    const repeat = await place(mugs());

    expect(seen(repeat)).toEqual({ ...seen(first), replayed: true });
    expect(await allOrders()).toHaveLength(1);
  });
});

describe('placementFingerprint', () => {
  const command = { userId: 'u-1', lines: [{ productId: 'p', quantity: 1 }], cardToken: 't' };

  it('when two commands differ only in key order and absent fields, then they have one fingerprint', () => {
    const reordered = { cardToken: 't', lines: [{ quantity: 1, productId: 'p', note: undefined }], userId: 'u-1' };

    expect(placementFingerprint(reordered)).toBe(placementFingerprint(command));
    expect(placementFingerprint(command)).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each([
    ['another caller', { ...command, userId: 'u-2' }],
    ['another quantity', { ...command, lines: [{ productId: 'p', quantity: 2 }] }],
    ['another card', { ...command, cardToken: 'u' }],
    ['the lines in another order', { ...command, lines: [{ productId: 'q', quantity: 1 }, { productId: 'p', quantity: 1 }] }],
  ])('when a command has %s, then its fingerprint differs', (_, other) => {
    const base = other.lines.length === 2 ? { ...command, lines: [{ productId: 'p', quantity: 1 }, { productId: 'q', quantity: 1 }] } : command;

    expect(placementFingerprint(other)).not.toBe(placementFingerprint(base));
  });
});
