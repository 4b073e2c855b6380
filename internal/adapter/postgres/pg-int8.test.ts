import { describe, expect, it } from 'vitest';
import { toSafeInteger } from './pg-int8.ts';

describe('toSafeInteger', () => {
  it.each<[string, string | number | bigint, number]>([
    ['the text 0', '0', 0],
    ['the text of 2^31', '2147483648', 2 ** 31],
    ['the text of the largest price', '100000000000000', 100_000_000_000_000],
    ['the text of the largest safe integer', '9007199254740991', Number.MAX_SAFE_INTEGER],
    ['negative text', '-5', -5],
    ['a number', 42, 42],
    ['a bigint', 123n, 123],
  ])('when given %s, then it becomes that number', (_, value, expected) => {
    expect(toSafeInteger(value, 'amount')).toBe(expected);
  });

  it.each<[string, string | number | bigint]>([
    ['a string beyond 2^53', '9007199254740993'],
    ['a bigint beyond 2^53', 9007199254740993n],
    ['a fraction', '1.5'],
    ['a number that is not whole', 1.5],
    ['an empty string', ''],
    ['text', 'abc'],
    ['exponent notation', '1e3'],
  ])('when given %s, then it throws instead of rounding', (_, value) => {
    expect(() => toSafeInteger(value, 'amount')).toThrow(/amount .* not a safe integer/);
  });
});
