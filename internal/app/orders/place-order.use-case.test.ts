import { v7 as uuidv7 } from 'uuid';
import { beforeEach, describe, expect, it } from 'vitest';
import { orderOf, orderWorld, type OrderWorld } from '../../../test/support/order-world.ts';
import { testContext } from '../../../test/support/test-context.ts';
import { AuthenticationRequiredError } from '../../domain/identity/identity.errors.ts';
import type { Order } from '../../domain/order/order.ts';
import { InsufficientStockError, MixedCurrenciesError, PaymentDeclinedError, PlacementInDoubtError, UnknownProductError } from '../../domain/order/order.errors.ts';
import type { OrderRepository } from '../../domain/order/order-repository.ts';
import { PaymentUnavailableError } from '../../domain/payment/payment.errors.ts';
import { MONEY_MAX_AMOUNT_MINOR } from '../../domain/product/money.ts';
import type { Context } from '../../domain/shared/context.ts';
import { DependencyUnavailableError, ValidationError } from '../../domain/shared/domain-error.ts';
import type { PlaceOrderInput, PlacementOutcome } from './place-order.use-case.ts';

let world: OrderWorld;

beforeEach(() => {
  world = orderWorld();
});

const place = (input: PlaceOrderInput, ctx: Context = world.customer()) => world.placeOrder.execute(ctx, input);
const withKey = (input: Omit<PlaceOrderInput, 'idempotencyKey'>): PlaceOrderInput => ({ ...input, idempotencyKey: uuidv7() });

const onlyOrder = async () => {
  const all = await world.orders.listForUser(world.system, undefined, { limit: 10 });
  expect(all).toHaveLength(1);
  return all[0]!;
};

function orderOfOutcome(outcome: PlacementOutcome): Order {
  if (outcome.kind === 'refused') throw new Error(`expected an order, got the refusal ${outcome.error.code}`);
  return outcome.order;
}

function refusalOf<E>(outcome: PlacementOutcome, type: abstract new (...args: never[]) => E): E {
  if (outcome.kind !== 'refused') throw new Error(`expected a refusal, got ${outcome.kind}`);
  expect(outcome.error).toBeInstanceOf(type);
  return outcome.error as E;
}

describe('PlaceOrder: the outcome of a placement', () => {
  it('when the stock covers the lines and the card is approved, then it is placed: paid at current prices and the stock is taken', async () => {
    const mug = await world.product({ priceMinor: 1250, stock: 10 });
    const cup = await world.product({ priceMinor: 2 ** 33, stock: 3 });
    const ctx = world.customer();

    const outcome = await place(withKey({ lines: [{ productId: mug.id, quantity: 4 }, { productId: cup.id, quantity: 3 }], cardToken: 'tok_approved' }), ctx);

    expect(outcome).toMatchObject({ kind: 'placed', replayed: false, traceId: ctx.traceId });
    const order = orderOfOutcome(outcome);
    expect(order).toMatchObject({
      userId: ctx.principal!.userId,
      status: 'paid',
      lines: [
        { productId: mug.id, quantity: 4, unitPrice: { amountMinor: 1250, currency: 'EUR' } },
        { productId: cup.id, quantity: 3, unitPrice: { amountMinor: 2 ** 33, currency: 'EUR' } },
      ],
      total: { amountMinor: 4 * 1250 + 3 * 2 ** 33, currency: 'EUR' },
      authorizationId: world.gateway.authorizationFor(order.id)?.authorizationId,
      failureCode: undefined,
    });
    expect(world.gateway.authorizationFor(order.id)).toMatchObject({ state: 'approved', amount: order.total });
    expect([await world.stockOf(mug.id), await world.stockOf(cup.id)]).toEqual([6, 0]);
    expect(await world.orders.findById(world.system, order.id)).toEqual(order);
    expect(world.scheduled).toEqual([]);
  });

  it('when an order is placed, then the card token is passed to the gateway and kept nowhere else', async () => {
    const mug = await world.product();

    const outcome = await place(orderOf([mug]));

    expect(JSON.stringify(outcome)).not.toContain('tok_');
    expect(JSON.stringify(world.logs)).not.toContain('tok_');
    expect(JSON.stringify(await world.idempotency.begin(world.system, { userId: orderOfOutcome(outcome).userId, key: 'other', fingerprint: '0'.repeat(64), ttlMs: 1000 }))).not.toContain('tok_');
  });

  it('when the stock is short, then it is refused with every short line, the order rejected, nothing reserved and the authorization voided', async () => {
    const mug = await world.product({ stock: 10 });
    const cup = await world.product({ stock: 1 });

    const outcome = await place(orderOf([mug, cup], 'tok_approved', 2));

    const error = refusalOf(outcome, InsufficientStockError);
    expect(error).toMatchObject({ code: 'INSUFFICIENT_STOCK', kind: 'conflict', details: { lines: [{ productId: cup.id, requested: 2, available: 1 }] } });
    const order = await onlyOrder();
    expect(order).toMatchObject({ status: 'rejected', failureCode: 'insufficient_stock' });
    expect([await world.stockOf(mug.id), await world.stockOf(cup.id)]).toEqual([10, 1]);
    expect(world.gateway.authorizationFor(order.id)?.state).toBe('voided');
  });

  it.each([
    ['tok_declined', 'card_declined'],
    ['tok_insufficient_funds', 'insufficient_funds'],
    ['tok_fraud', 'suspected_fraud'],
  ] as const)('when the card %s is declined, then it is refused as PAYMENT_DECLINED with %s, the order failed with it and the stock is back', async (cardToken, declineCode) => {
    const mug = await world.product({ stock: 5 });

    const outcome = await place(orderOf([mug], cardToken, 2));

    expect(refusalOf(outcome, PaymentDeclinedError)).toMatchObject({ code: 'PAYMENT_DECLINED', kind: 'payment_required', details: { declineCode } });
    const order = await onlyOrder();
    expect(order).toMatchObject({ status: 'payment_failed', failureCode: declineCode, authorizationId: world.gateway.authorizationFor(order.id)?.authorizationId });
    expect(await world.stockOf(mug.id)).toBe(5);
    expect(await world.reservations.stateOf(world.system, order.id)).toBe('released');
  });

  it('when the gateway fails before authorizing and confirms it holds nothing, then it is refused as PAYMENT_UNAVAILABLE, the order failed and the stock is back', async () => {
    const mug = await world.product({ stock: 5 });
    world.gateway.failOn('authorize');

    const outcome = await place(orderOf([mug]));

    expect(refusalOf(outcome, PaymentUnavailableError)).toMatchObject({ kind: 'unavailable' });
    expect(await onlyOrder()).toMatchObject({ status: 'payment_failed', failureCode: 'payment_unavailable' });
    expect(await world.stockOf(mug.id)).toBe(5);
    expect(world.gateway.callsOf('lookup')).toHaveLength(1);
  });

  it('when the gateway cannot say whether it authorized, then it is pending: the order keeps its stock and its recovery is scheduled', async () => {
    const mug = await world.product({ stock: 5 });
    world.gateway.makeUnavailable();

    const outcome = await place(orderOf([mug]));

    expect(outcome).toMatchObject({ kind: 'pending', replayed: false, order: { status: 'pending' } });
    expect(await onlyOrder()).toMatchObject({ status: 'pending' });
    expect(await world.stockOf(mug.id)).toBe(4);
    expect(world.scheduled).toEqual([orderOfOutcome(outcome).id]);
    expect(world.logged('warn').join('\n')).toContain('stays pending for recovery');
  });

  it('when scheduling the recovery fails, then the outcome is still pending and the failure is logged', async () => {
    const mug = await world.product({ stock: 5 });
    world.gateway.makeUnavailable();
    world.failRecovery();

    const outcome = await place(orderOf([mug]));

    expect(outcome.kind).toBe('pending');
    expect(world.logged('error')).toContain('scheduling the recovery of a pending order failed; the recovery sweep will find it');
  });

  it('when the answer of an approved authorization is lost, then the lookup finds it and it is placed', async () => {
    const mug = await world.product({ stock: 5 });
    world.gateway.failOn('authorize', 'after');

    const order = orderOfOutcome(await place(orderOf([mug])));

    expect(order).toMatchObject({ status: 'paid', authorizationId: world.gateway.authorizationFor(order.id)?.authorizationId });
    expect(await world.stockOf(mug.id)).toBe(4);
  });

  it('when the reservation fails while a slow authorization has already been approved, then the call is aborted and the authorization voided', async () => {
    const mug = await world.product({ stock: 0 });
    world.gateway.makeSlow(10_000);
    const started = Date.now();

    const outcome = await place(orderOf([mug]));

    refusalOf(outcome, InsufficientStockError);
    expect(Date.now() - started).toBeLessThan(5_000);
    const order = await onlyOrder();
    expect(order).toMatchObject({ status: 'rejected', failureCode: 'insufficient_stock' });
    expect(world.gateway.authorizationFor(order.id)?.state).toBe('voided');
    expect(world.gateway.callsOf('void')).toHaveLength(1);
  });

  it('when the reservation fails before a slow authorization acted, then it is aborted and nothing is left to void', async () => {
    const mug = await world.product({ stock: 0 });
    world.gateway.makeSlow(10_000, { actsAtOnce: false });

    refusalOf(await place(orderOf([mug])), InsufficientStockError);

    const order = await onlyOrder();
    expect(order).toMatchObject({ status: 'rejected' });
    expect(world.gateway.authorizationFor(order.id)).toBeUndefined();
    expect(world.gateway.callsOf('void')).toEqual([]);
  });

  it('when voiding the authorization of a rejected order fails, then it is still refused for stock, the order stays pending and its recovery is scheduled', async () => {
    const mug = await world.product({ stock: 0 });
    world.gateway.failOn('void');

    const outcome = await place(orderOf([mug]));

    refusalOf(outcome, InsufficientStockError);
    const order = await onlyOrder();
    expect(order.status).toBe('pending');
    expect(world.gateway.authorizationFor(order.id)?.state).toBe('approved');
    expect(world.scheduled).toEqual([order.id]);
    expect(world.logged('error').join('\n')).toMatch(/voiding the authorization .* failed; it stays pending for recovery/);
  });

  it('when the caller goes away while the card is being authorized, then the order is still settled', async () => {
    const mug = await world.product({ stock: 5 });
    world.gateway.makeSlow(10_000);
    const caller = new AbortController();
    const ctx = world.customer(uuidv7(), caller.signal);

    const placing = place(orderOf([mug]), ctx);
    setTimeout(() => caller.abort(new Error('the client disconnected')), 20);

    expect(await placing).toMatchObject({ kind: 'placed', order: { status: 'paid' } });
    expect(await world.stockOf(mug.id)).toBe(4);
  });

  it('when the database fails while the order is being stored, then it is refused as DEPENDENCY_UNAVAILABLE saying the order may exist and a repeat with the key tells', async () => {
    const mug = await world.product({ stock: 5 });
    const down: OrderRepository = { ...bound(world.orders), create: () => Promise.reject(new DependencyUnavailableError('postgres')) };
    const placement = world.placement({ orders: down });

    const outcome = await placement.execute(world.customer(), orderOf([mug]));

    const error = refusalOf(outcome, PlacementInDoubtError);
    expect(error).toMatchObject({ code: 'DEPENDENCY_UNAVAILABLE', kind: 'unavailable', details: { orderMayExist: true } });
    expect(error.message).toContain('the order may exist: repeat the request with the same idempotency key to learn what became of it');
  });

  it('when the database dies after the order exists, so that its fate cannot be read, then it is refused as in doubt and the key stays in progress', async () => {
    const mug = await world.product({ stock: 5 });
    const dead = () => Promise.reject(new DependencyUnavailableError('postgres'));
    const dying: OrderRepository = { ...bound(world.orders), updateKnown: dead, update: dead, findById: dead };
    const ctx = world.customer();
    const input = orderOf([mug]);

    const outcome = await world.placement({ orders: dying }).execute(ctx, input);

    expect(refusalOf(outcome, PlacementInDoubtError).details).toEqual({ orderMayExist: true });
    expect(await place(input, ctx)).toMatchObject({ kind: 'refused', error: { code: 'REQUEST_IN_PROGRESS' } });
  });

  it('when a product does not exist, then it is refused as UNKNOWN_PRODUCT naming it and no order is created', async () => {
    const mug = await world.product();
    const ghost = uuidv7();

    const outcome = await place(withKey({ lines: [{ productId: mug.id, quantity: 1 }, { productId: ghost, quantity: 1 }], cardToken: 'tok_approved' }));

    expect(refusalOf(outcome, UnknownProductError)).toMatchObject({ kind: 'unprocessable', details: { productIds: [ghost] } });
    expect(await world.orders.listForUser(world.system, undefined, { limit: 10 })).toEqual([]);
    expect(world.gateway.calls).toEqual([]);
  });

  it('when the products are priced in two currencies, then it is refused as MIXED_CURRENCIES and no order is created', async () => {
    const mug = await world.product({ currency: 'EUR' });
    const cup = await world.product({ currency: 'USD' });

    const outcome = await place(orderOf([mug, cup]));

    expect(refusalOf(outcome, MixedCurrenciesError)).toMatchObject({ kind: 'invalid', code: 'MIXED_CURRENCIES', details: { currencies: ['EUR', 'USD'] } });
    expect(await world.orders.listForUser(world.system, undefined, { limit: 10 })).toEqual([]);
  });

  it('when the total would exceed what money may hold, then it is refused as invalid', async () => {
    const products = [await world.product({ priceMinor: MONEY_MAX_AMOUNT_MINOR }), await world.product({ priceMinor: MONEY_MAX_AMOUNT_MINOR })];

    const outcome = await place(orderOf(products, 'tok_approved', 1000));

    expect(refusalOf(outcome, ValidationError).issues.map((issue) => issue.field)).toEqual(['lines']);
  });

  it.each<[string, (productId: string) => Omit<PlaceOrderInput, 'idempotencyKey'>, string[]]>([
    ['no lines', () => ({ lines: [], cardToken: 'tok_approved' }), ['lines']],
    ['51 lines', () => ({ lines: Array.from({ length: 51 }, () => ({ productId: uuidv7(), quantity: 1 })), cardToken: 'tok_approved' }), ['lines']],
    ['a quantity of 0', (id) => ({ lines: [{ productId: id, quantity: 0 }], cardToken: 'tok_approved' }), ['lines[0].quantity']],
    ['a quantity of 1001', (id) => ({ lines: [{ productId: id, quantity: 1001 }], cardToken: 'tok_approved' }), ['lines[0].quantity']],
    ['a fractional quantity', (id) => ({ lines: [{ productId: id, quantity: 1.5 }], cardToken: 'tok_approved' }), ['lines[0].quantity']],
    [
      'one product twice',
      (id) => ({ lines: [{ productId: id, quantity: 1 }, { productId: id.toUpperCase(), quantity: 2 }], cardToken: 'tok_approved' }),
      ['lines[1].product_id'],
    ],
    ['a product id that is no UUID', () => ({ lines: [{ productId: "1' OR 1=1", quantity: 1 }], cardToken: 'tok_approved' }), ['lines[0].product_id']],
    ['an empty card token', (id) => ({ lines: [{ productId: id, quantity: 1 }], cardToken: '' }), ['card_token']],
    ['a card token with spaces', (id) => ({ lines: [{ productId: id, quantity: 1 }], cardToken: 'tok approved' }), ['card_token']],
  ])('when the order has %s, then it is refused as invalid naming the field and nothing happens', async (_, input, pointers) => {
    const mug = await world.product();

    const outcome = await place(withKey(input(mug.id)));

    expect(refusalOf(outcome, ValidationError).issues.map((issue) => issue.field)).toEqual(pointers);
    expect(await world.orders.listForUser(world.system, undefined, { limit: 10 })).toEqual([]);
    expect(world.gateway.calls).toEqual([]);
  });

  it('when nobody is signed in, then it is refused as unauthorized before anything else', async () => {
    const outcome = await place(withKey({ lines: [], cardToken: '' }), testContext());

    expect(refusalOf(outcome, AuthenticationRequiredError).kind).toBe('unauthorized');
  });
});

// The in-memory repository's methods, bound, so a test can replace some of them.
function bound(orders: OrderRepository): OrderRepository {
  return {
    create: orders.create.bind(orders),
    findById: orders.findById.bind(orders),
    findByIdempotencyKey: orders.findByIdempotencyKey.bind(orders),
    listForUser: orders.listForUser.bind(orders),
    update: orders.update.bind(orders),
    updateKnown: orders.updateKnown.bind(orders),
    resolveStalePending: orders.resolveStalePending.bind(orders),
  };
}
