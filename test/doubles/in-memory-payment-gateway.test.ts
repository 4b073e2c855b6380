import { describe, expect, it } from 'vitest';
import { testContext } from '../support/test-context.ts';
import { PaymentUnavailableError } from '../../internal/domain/payment/payment.errors.ts';
import { InMemoryPaymentGateway } from './in-memory-payment-gateway.ts';

const ctx = testContext();
const amount = { amountMinor: 1250, currency: 'EUR' };

describe('InMemoryPaymentGateway', () => {
  it.each([
    ['tok_approved', { outcome: 'approved' }],
    ['tok_declined', { outcome: 'declined', declineCode: 'card_declined' }],
    ['tok_insufficient_funds', { outcome: 'declined', declineCode: 'insufficient_funds' }],
    ['tok_fraud', { outcome: 'declined', declineCode: 'suspected_fraud' }],
    ['tok_unknown', { outcome: 'declined', declineCode: 'card_declined' }],
  ])('when %s is authorized, then the answer is %j', async (cardToken, expected) => {
    const gateway = new InMemoryPaymentGateway();

    expect(await gateway.authorize(ctx, { idempotencyKey: 'k', amount, cardToken })).toMatchObject(expected);
  });

  it('when one key is authorized twice, then the first result comes back and nothing new is authorized', async () => {
    const gateway = new InMemoryPaymentGateway();
    const first = await gateway.authorize(ctx, { idempotencyKey: 'k', amount, cardToken: 'tok_approved' });

    const second = await gateway.authorize(ctx, { idempotencyKey: 'k', amount, cardToken: 'tok_declined' });

    expect(second).toEqual(first);
    expect(gateway.callsOf('authorize')).toEqual([
      { operation: 'authorize', ref: 'k' },
      { operation: 'authorize', ref: 'k' },
    ]);
  });

  it('when an authorization is voided twice, then it is voided and the repeat is a no-op', async () => {
    const gateway = new InMemoryPaymentGateway();
    const { authorizationId = '' } = await gateway.authorize(ctx, { idempotencyKey: 'k', amount, cardToken: 'tok_approved' });

    await gateway.void(ctx, authorizationId);
    await gateway.void(ctx, authorizationId);

    expect(await gateway.findByIdempotencyKey(ctx, 'k')).toEqual({ authorizationId, idempotencyKey: 'k', state: 'voided', amount });
  });

  it('when unavailable, then every call fails before acting', async () => {
    const gateway = new InMemoryPaymentGateway();
    gateway.makeUnavailable();

    await expect(gateway.authorize(ctx, { idempotencyKey: 'k', amount, cardToken: 'tok_approved' })).rejects.toBeInstanceOf(PaymentUnavailableError);
    expect(gateway.authorizationFor('k')).toBeUndefined();
  });

  it('when an operation fails after acting, then it has acted and the caller gets PaymentUnavailableError', async () => {
    const gateway = new InMemoryPaymentGateway();
    gateway.failOn('authorize', 'after');

    await expect(gateway.authorize(ctx, { idempotencyKey: 'k', amount, cardToken: 'tok_approved' })).rejects.toBeInstanceOf(PaymentUnavailableError);
    expect(gateway.authorizationFor('k')?.state).toBe('approved');
  });

  it('when a slow authorization is aborted, then the call fails at once and, acting at once, the gateway holds it', async () => {
    const gateway = new InMemoryPaymentGateway();
    gateway.makeSlow(10_000);
    const controller = new AbortController();

    const authorizing = gateway.authorize({ ...ctx, signal: controller.signal }, { idempotencyKey: 'k', amount, cardToken: 'tok_approved' });
    controller.abort(new Error('stop'));

    await expect(authorizing).rejects.toThrow();
    expect(gateway.authorizationFor('k')?.state).toBe('approved');
  });
});
