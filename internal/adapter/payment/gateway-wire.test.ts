import { describe, expect, it } from 'vitest';
import { errorCodeOf, parseAuthorization, parseFirstListed, parseRetryAfter, toAuthorization, toAuthorizationResult } from './gateway-wire.ts';
import { GatewayRequestError } from './payment-gateway.errors.ts';

const wire = {
  id: 'auth_1',
  idempotency_key: 'order-1',
  status: 'approved',
  decline_code: null,
  amount: 1250,
  currency: 'EUR',
  created_at: '2025-01-01T00:00:00.000Z',
};

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');

  it.each<[string | string[] | undefined, number | undefined]>([
    ['3', 3_000],
    ['0', 0],
    ['1.5', 1_500],
    [' 2 ', 2_000],
    [['4', '9'], 4_000],
    ['Wed, 01 Jan 2025 00:00:05 GMT', 5_000],
    ['Tue, 31 Dec 2024 23:59:00 GMT', 0],
    ['soon', undefined],
    ['-1', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('when Retry-After is %j, then the wait is %j ms', (header, expected) => {
    expect(parseRetryAfter(header, now)).toBe(expected);
  });
});

describe('authorization mapping', () => {
  it('when the gateway approved, then the result is approved with its id', () => {
    expect(toAuthorizationResult(parseAuthorization('authorize', 201, wire))).toEqual({ outcome: 'approved', authorizationId: 'auth_1' });
  });

  it.each(['card_declined', 'insufficient_funds', 'suspected_fraud'])('when the gateway declined with %s, then the result carries that code', (code) => {
    const declined = parseAuthorization('authorize', 201, { ...wire, status: 'declined', decline_code: code });

    expect(toAuthorizationResult(declined)).toEqual({ outcome: 'declined', authorizationId: 'auth_1', declineCode: code });
  });

  it('when a decline code is unknown or missing, then it is still a decline (card_declined)', () => {
    expect(toAuthorizationResult(parseAuthorization('authorize', 201, { ...wire, status: 'declined', decline_code: 'do_not_honor' }))).toMatchObject({
      outcome: 'declined',
      declineCode: 'card_declined',
    });
    expect(toAuthorizationResult(parseAuthorization('authorize', 201, { ...wire, status: 'declined', decline_code: null }))).toMatchObject({
      declineCode: 'card_declined',
    });
  });

  it.each(['captured', 'voided', 'refunded'])('when a repeated authorize finds it %s, then it was approved', (status) => {
    expect(toAuthorizationResult(parseAuthorization('authorize', 200, { ...wire, status }))).toMatchObject({ outcome: 'approved' });
  });

  it('when mapped to the domain, then money is in minor units', () => {
    expect(toAuthorization(parseAuthorization('get', 200, { ...wire, status: 'captured' }))).toEqual({
      authorizationId: 'auth_1',
      idempotencyKey: 'order-1',
      state: 'captured',
      amount: { amountMinor: 1250, currency: 'EUR' },
    });
  });

  it.each<[string, unknown]>([
    ['not an object', 'approved'],
    ['no id', { ...wire, id: undefined }],
    ['an unknown status', { ...wire, status: 'pending' }],
    ['a float amount', { ...wire, amount: 12.5 }],
    ['no currency', { ...wire, currency: 3 }],
  ])('when the body has %s, then it is a GatewayRequestError', (_, body) => {
    expect(() => parseAuthorization('authorize', 201, body)).toThrow(GatewayRequestError);
  });

  it('when a list is empty, then nothing is found; otherwise the first item', () => {
    expect(parseFirstListed('find', 200, { items: [] })).toBeUndefined();
    expect(parseFirstListed('find', 200, { items: [wire] })?.id).toBe('auth_1');
    expect(() => parseFirstListed('find', 200, {})).toThrow(GatewayRequestError);
  });

  it('when an error body is read, then its code comes out', () => {
    expect(errorCodeOf({ error: { code: 'invalid_state', message: 'x' } })).toBe('invalid_state');
    expect(errorCodeOf({ message: 'x' })).toBeUndefined();
    expect(errorCodeOf(undefined)).toBeUndefined();
  });
});
