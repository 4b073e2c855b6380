import { v7 as uuidv7 } from 'uuid';
import { beforeEach, describe, expect, it } from 'vitest';
import { orderOf, orderWorld, type OrderWorld } from '../../../test/support/order-world.ts';
import { testContext } from '../../../test/support/test-context.ts';
import { AuthenticationRequiredError } from '../../domain/identity/identity.errors.ts';
import { InsufficientStockError, MixedCurrenciesError, PaymentDeclinedError, UnknownProductError } from '../../domain/order/order.errors.ts';
import { PaymentUnavailableError } from '../../domain/payment/payment.errors.ts';
import { MONEY_MAX_AMOUNT_MINOR } from '../../domain/product/money.ts';
import { ValidationError } from '../../domain/shared/domain-error.ts';
import type { PlaceOrderInput } from './place-order.use-case.ts';

let world: OrderWorld;

beforeEach(() => {
  world = orderWorld();
});

const onlyOrder = async () => {
  const all = await world.orders.listForUser(world.system, undefined, { limit: 10 });
  expect(all).toHaveLength(1);
  return all[0]!;
};

describe('PlaceOrder', () => {
  it('when the stock covers the lines and the card is approved, then the order is paid at current prices and the stock is taken', async () => {
    const mug = await world.product({ priceMinor: 1250, stock: 10 });
    const cup = await world.product({ priceMinor: 2 ** 33, stock: 3 });
    const ctx = world.customer();

    const order = await world.placeOrder.execute(ctx, { lines: [{ productId: mug.id, quantity: 4 }, { productId: cup.id, quantity: 3 }], cardToken: 'tok_approved' });

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
  });

  it('when an order is placed, then the card token is passed to the gateway and kept nowhere else', async () => {
    const mug = await world.product();

    const order = await world.placeOrder.execute(world.customer(), orderOf([mug]));

    expect(JSON.stringify(order)).not.toContain('tok_');
    expect(JSON.stringify(world.logs)).not.toContain('tok_');
  });

  it('when the stock is short, then the order is rejected with every short line, nothing is reserved and the authorization is voided', async () => {
    const mug = await world.product({ stock: 10 });
    const cup = await world.product({ stock: 1 });

    const error = await world.placeOrder.execute(world.customer(), orderOf([mug, cup], 'tok_approved', 2)).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(InsufficientStockError);
    expect((error as InsufficientStockError).details).toEqual({ lines: [{ productId: cup.id, requested: 2, available: 1 }] });
    const order = await onlyOrder();
    expect(order).toMatchObject({ status: 'rejected', failureCode: 'insufficient_stock' });
    expect([await world.stockOf(mug.id), await world.stockOf(cup.id)]).toEqual([10, 1]);
    expect(world.gateway.authorizationFor(order.id)?.state).toBe('voided');
  });

  it.each([
    ['tok_declined', 'card_declined'],
    ['tok_insufficient_funds', 'insufficient_funds'],
    ['tok_fraud', 'suspected_fraud'],
  ] as const)('when the card %s is declined, then PaymentDeclinedError carries %s, the order failed with it and the stock is back', async (cardToken, declineCode) => {
    const mug = await world.product({ stock: 5 });

    const error = await world.placeOrder.execute(world.customer(), orderOf([mug], cardToken, 2)).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(PaymentDeclinedError);
    expect((error as PaymentDeclinedError).details).toEqual({ declineCode });
    const order = await onlyOrder();
    expect(order).toMatchObject({ status: 'payment_failed', failureCode: declineCode, authorizationId: world.gateway.authorizationFor(order.id)?.authorizationId });
    expect(await world.stockOf(mug.id)).toBe(5);
    expect(await world.reservations.stateOf(world.system, order.id)).toBe('released');
  });

  it('when the gateway fails before authorizing and confirms it holds nothing, then the order failed as payment_unavailable and the stock is back', async () => {
    const mug = await world.product({ stock: 5 });
    world.gateway.failOn('authorize');

    const placing = world.placeOrder.execute(world.customer(), orderOf([mug]));

    await expect(placing).rejects.toBeInstanceOf(PaymentUnavailableError);
    expect(await onlyOrder()).toMatchObject({ status: 'payment_failed', failureCode: 'payment_unavailable' });
    expect(await world.stockOf(mug.id)).toBe(5);
    expect(world.gateway.callsOf('lookup')).toHaveLength(1);
  });

  it('when the gateway is unavailable and cannot say whether it authorized, then the order stays pending with its stock for recovery', async () => {
    const mug = await world.product({ stock: 5 });
    world.gateway.makeUnavailable();

    const placing = world.placeOrder.execute(world.customer(), orderOf([mug]));

    await expect(placing).rejects.toBeInstanceOf(PaymentUnavailableError);
    expect(await onlyOrder()).toMatchObject({ status: 'pending' });
    expect(await world.stockOf(mug.id)).toBe(4);
    expect(world.logged('warn').join('\n')).toContain('stays pending for recovery');
  });

  it('when the answer of an approved authorization is lost, then the lookup finds it and the order is paid', async () => {
    const mug = await world.product({ stock: 5 });
    world.gateway.failOn('authorize', 'after');

    const order = await world.placeOrder.execute(world.customer(), orderOf([mug]));

    expect(order).toMatchObject({ status: 'paid', authorizationId: world.gateway.authorizationFor(order.id)?.authorizationId });
    expect(await world.stockOf(mug.id)).toBe(4);
  });

  it('when the reservation fails while a slow authorization has already been approved, then the call is aborted and the authorization voided', async () => {
    const mug = await world.product({ stock: 0 });
    world.gateway.makeSlow(10_000);
    const started = Date.now();

    const placing = world.placeOrder.execute(world.customer(), orderOf([mug]));

    await expect(placing).rejects.toBeInstanceOf(InsufficientStockError);
    expect(Date.now() - started).toBeLessThan(5_000);
    const order = await onlyOrder();
    expect(order).toMatchObject({ status: 'rejected', failureCode: 'insufficient_stock' });
    expect(world.gateway.authorizationFor(order.id)?.state).toBe('voided');
    expect(world.gateway.callsOf('void')).toHaveLength(1);
  });

  it('when the reservation fails before a slow authorization acted, then it is aborted and nothing is left to void', async () => {
    const mug = await world.product({ stock: 0 });
    world.gateway.makeSlow(10_000, { actsAtOnce: false });

    const placing = world.placeOrder.execute(world.customer(), orderOf([mug]));

    await expect(placing).rejects.toBeInstanceOf(InsufficientStockError);
    const order = await onlyOrder();
    expect(order).toMatchObject({ status: 'rejected' });
    expect(world.gateway.authorizationFor(order.id)).toBeUndefined();
    expect(world.gateway.callsOf('void')).toEqual([]);
  });

  it('when voiding the authorization of a rejected order fails, then the order stays pending for recovery and the log says so', async () => {
    const mug = await world.product({ stock: 0 });
    world.gateway.failOn('void');

    const placing = world.placeOrder.execute(world.customer(), orderOf([mug]));

    await expect(placing).rejects.toBeInstanceOf(InsufficientStockError);
    const order = await onlyOrder();
    expect(order.status).toBe('pending');
    expect(world.gateway.authorizationFor(order.id)?.state).toBe('approved');
    expect(world.logged('error').join('\n')).toMatch(/voiding the authorization .* failed; it stays pending for recovery/);
  });

  it('when the caller goes away while the card is being authorized, then the order is still settled', async () => {
    const mug = await world.product({ stock: 5 });
    world.gateway.makeSlow(10_000);
    const caller = new AbortController();
    const ctx = world.customer(uuidv7(), caller.signal);

    const placing = world.placeOrder.execute(ctx, orderOf([mug]));
    setTimeout(() => caller.abort(new Error('the client disconnected')), 20);

    const order = await placing;
    expect(order).toMatchObject({ status: 'paid' });
    expect(await world.stockOf(mug.id)).toBe(4);
  });

  it('when a product does not exist, then UnknownProductError names it and no order is created', async () => {
    const mug = await world.product();
    const ghost = uuidv7();

    const error = await world.placeOrder
      .execute(world.customer(), { lines: [{ productId: mug.id, quantity: 1 }, { productId: ghost, quantity: 1 }], cardToken: 'tok_approved' })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(UnknownProductError);
    expect((error as UnknownProductError).details).toEqual({ productIds: [ghost] });
    expect(await world.orders.listForUser(world.system, undefined, { limit: 10 })).toEqual([]);
    expect(world.gateway.calls).toEqual([]);
  });

  it('when the products are priced in two currencies, then MixedCurrenciesError is thrown and no order is created', async () => {
    const mug = await world.product({ currency: 'EUR' });
    const cup = await world.product({ currency: 'USD' });

    const error = await world.placeOrder.execute(world.customer(), orderOf([mug, cup])).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(MixedCurrenciesError);
    expect(error).toMatchObject({ kind: 'invalid', code: 'MIXED_CURRENCIES', details: { currencies: ['EUR', 'USD'] } });
    expect(await world.orders.listForUser(world.system, undefined, { limit: 10 })).toEqual([]);
  });

  it('when the total would exceed what money may hold, then ValidationError is thrown', async () => {
    const products = [await world.product({ priceMinor: MONEY_MAX_AMOUNT_MINOR }), await world.product({ priceMinor: MONEY_MAX_AMOUNT_MINOR })];

    const error = await world.placeOrder.execute(world.customer(), orderOf(products, 'tok_approved', 1000)).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((issue) => issue.pointer)).toEqual(['/body/lines']);
  });

  it.each<[string, (productId: string) => PlaceOrderInput, string[]]>([
    ['no lines', () => ({ lines: [], cardToken: 'tok_approved' }), ['/body/lines']],
    ['51 lines', () => ({ lines: Array.from({ length: 51 }, () => ({ productId: uuidv7(), quantity: 1 })), cardToken: 'tok_approved' }), ['/body/lines']],
    ['a quantity of 0', (id) => ({ lines: [{ productId: id, quantity: 0 }], cardToken: 'tok_approved' }), ['/body/lines/0/quantity']],
    ['a quantity of 1001', (id) => ({ lines: [{ productId: id, quantity: 1001 }], cardToken: 'tok_approved' }), ['/body/lines/0/quantity']],
    ['a fractional quantity', (id) => ({ lines: [{ productId: id, quantity: 1.5 }], cardToken: 'tok_approved' }), ['/body/lines/0/quantity']],
    [
      'one product twice',
      (id) => ({ lines: [{ productId: id, quantity: 1 }, { productId: id.toUpperCase(), quantity: 2 }], cardToken: 'tok_approved' }),
      ['/body/lines/1/product_id'],
    ],
    ['a product id that is no UUID', () => ({ lines: [{ productId: "1' OR 1=1", quantity: 1 }], cardToken: 'tok_approved' }), ['/body/lines/0/product_id']],
    ['an empty card token', (id) => ({ lines: [{ productId: id, quantity: 1 }], cardToken: '' }), ['/body/card_token']],
    ['a card token with spaces', (id) => ({ lines: [{ productId: id, quantity: 1 }], cardToken: 'tok approved' }), ['/body/card_token']],
  ])('when the order has %s, then ValidationError names the field and nothing happens', async (_, input, pointers) => {
    const mug = await world.product();

    const error = await world.placeOrder.execute(world.customer(), input(mug.id)).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((issue) => issue.pointer)).toEqual(pointers);
    expect(await world.orders.listForUser(world.system, undefined, { limit: 10 })).toEqual([]);
    expect(world.gateway.calls).toEqual([]);
  });

  it('when nobody is signed in, then AuthenticationRequiredError is thrown before anything else', async () => {
    const placing = world.placeOrder.execute(testContext(), { lines: [], cardToken: '' });

    await expect(placing).rejects.toBeInstanceOf(AuthenticationRequiredError);
  });
});
