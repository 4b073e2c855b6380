import { describe, expect, it } from 'vitest';
import { AuthorizationStore, type AuthorizeInput } from './authorization-store.ts';

const request = (idempotencyKey: string, overrides: Partial<AuthorizeInput> = {}): AuthorizeInput => ({
  idempotencyKey,
  amount: 1250,
  currency: 'EUR',
  cardToken: 'tok_approved',
  ...overrides,
});

describe('AuthorizationStore', () => {
  it('when more authorizations than the limit exist, then the oldest is forgotten together with its key', () => {
    const store = new AuthorizationStore({ maxAuthorizations: 2 });

    const first = store.authorize(request('k1'));
    store.authorize(request('k2'));
    store.authorize(request('k3', { cardToken: 'tok_declined' }));

    expect(first.kind).toBe('created');
    expect(first.kind === 'created' && store.get(first.authorization.id)).toBeUndefined();
    expect(store.findByIdempotencyKey('k1')).toBeUndefined();
    expect(store.findByIdempotencyKey('k3')?.status).toBe('declined');
    expect(store.stats()).toEqual({
      authorizations: 3,
      byStatus: { approved: 1, declined: 1, captured: 0, voided: 0, refunded: 0 },
    });
  });

  it('when a view is changed by the caller, then the stored authorization is not', () => {
    const store = new AuthorizationStore();
    const created = store.authorize(request('k1'));
    if (created.kind !== 'created') throw new Error(created.kind);

    (created.authorization as { status: string }).status = 'refunded';

    expect(store.get(created.authorization.id)?.status).toBe('approved');
  });

  it('when a transition moves an authorization, then the status counts follow', () => {
    const store = new AuthorizationStore();
    const created = store.authorize(request('k1'));
    if (created.kind !== 'created') throw new Error(created.kind);

    store.apply(created.authorization.id, 'capture');
    store.apply(created.authorization.id, 'refund');

    expect(store.stats().byStatus).toEqual({ approved: 0, declined: 0, captured: 0, voided: 0, refunded: 1 });
  });

  it('when cleared, then nothing is left and the counters start again', () => {
    const store = new AuthorizationStore();
    store.authorize(request('k1'));

    store.clear();

    expect(store.findByIdempotencyKey('k1')).toBeUndefined();
    expect(store.stats().authorizations).toBe(0);
    expect(store.authorize(request('k1')).kind).toBe('created');
  });
});
