import { describe, expect, it } from 'vitest';
import { ValidationError } from '../shared/domain-error.ts';
import { MONEY_MAX_AMOUNT_MINOR, formatMoney, isCurrencyCode, money, sameMoney } from './money.ts';

function pointersOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) return error.issues.map((issue) => issue.field);
    throw error;
  }
  throw new Error('expected a ValidationError, but nothing was thrown');
}

describe('money', () => {
  it.each([
    ['zero', 0, 'EUR'],
    ['2^31', 2 ** 31, 'USD'],
    ['the maximum', MONEY_MAX_AMOUNT_MINOR, 'JPY'],
  ])('when the amount is %s, then it is kept as given', (_, amountMinor, currency) => {
    expect(money(amountMinor, currency)).toEqual({ amountMinor, currency });
  });

  it.each([
    ['a fraction', 12.5],
    ['negative', -1],
    ['one above the maximum', MONEY_MAX_AMOUNT_MINOR + 1],
    ['beyond the safe integers', 2 ** 53],
    ['not a number', Number.NaN],
    ['infinite', Number.POSITIVE_INFINITY],
    ['a float that looks whole in JSON', 0.1 + 0.2],
  ])('when the amount is %s, then it is rejected', (_, amountMinor) => {
    expect(pointersOf(() => money(amountMinor, 'EUR'))).toEqual(['amount']);
  });

  it.each([
    ['lower case', 'eur'],
    ['not ISO 4217', 'ABC'],
    ['four letters', 'EURO'],
    ['empty', ''],
    ['with spaces', ' EUR'],
    ['the no-currency code', 'XXX'],
  ])('when the currency is %s, then it is rejected', (_, currency) => {
    expect(pointersOf(() => money(100, currency))).toEqual(['currency']);
  });

  it('when both parts are wrong, then both are named', () => {
    expect(pointersOf(() => money(-1, 'nope'))).toEqual(['amount', 'currency']);
  });

  it.each([
    ['EUR', true],
    ['JPY', true],
    ['BHD', true],
    ['usd', false],
    [42, false],
    [undefined, false],
  ])('when asked whether %j is a currency code, then the answer is %s', (code, expected) => {
    expect(isCurrencyCode(code)).toBe(expected);
  });

  it.each([
    [{ amountMinor: 1, currency: 'EUR' }, { amountMinor: 1, currency: 'EUR' }, true],
    [{ amountMinor: 1, currency: 'EUR' }, { amountMinor: 2, currency: 'EUR' }, false],
    [{ amountMinor: 1, currency: 'EUR' }, { amountMinor: 1, currency: 'USD' }, false],
  ])('when comparing %j with %j, then they are the same: %s', (a, b, expected) => {
    expect(sameMoney(a, b)).toBe(expected);
  });
});

describe('formatMoney', () => {
  it.each([
    [2500, 'EUR', '25.00 EUR'],
    [1250, 'JPY', '1,250 JPY'],
    [1234567, 'USD', '12,345.67 USD'],
    [1005, 'KWD', '1.005 KWD'],
  ])('when %i minor units of %s are shown, then they read %s', (amountMinor, currency, text) => {
    expect(formatMoney({ amountMinor, currency })).toBe(text);
  });
});
