import { describe, expect, it } from 'vitest';
import type { NewOrder } from './order.ts';
import { applyPromotion } from './promotion.ts';

const order = (amountMinor: number): NewOrder => ({ id: 'o', userId: 'u', lines: [], total: { amountMinor, currency: 'EUR' } });
const TEN_PERCENT_FROM_100 = { thresholdMinor: 10_000, percentOffBasisPoints: 1_000 };

describe('applyPromotion', () => {
  it.each([
    [9_999, 9_999],
    [10_000, 9_000],
    [10_005, 9_004], // 1000.5 off rounds half up to 1001
    [10_004, 9_004], // 1000.4 off rounds down to 1000
    [123_456_789, 111_111_110], // 12 345 678.9 off → 12 345 679
  ])('when the total is %i minor units, then the canary total is %i', (total, expected) => {
    expect(applyPromotion(order(total), TEN_PERCENT_FROM_100).total).toEqual({ amountMinor: expected, currency: 'EUR' });
  });

  it('when the total is the largest money may hold, then the discount is exact (no float rounding)', () => {
    const max = 100_000_000_000_000;
    expect(applyPromotion(order(max), { thresholdMinor: 1, percentOffBasisPoints: 333 }).total.amountMinor).toBe(max - 3_330_000_000_000);
  });

  it('when the promotion applies, then the lines keep their list prices', () => {
    const priced: NewOrder = { ...order(20_000), lines: [{ productId: 'p', quantity: 2, unitPrice: { amountMinor: 10_000, currency: 'EUR' } }] };
    expect(applyPromotion(priced, TEN_PERCENT_FROM_100).lines).toEqual(priced.lines);
  });
});
