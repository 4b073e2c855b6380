import type { NewOrder } from './order.ts';

/** A percentage off orders whose total reaches a threshold (the canary pricing). */
export interface Promotion {
  /** Minor units of the order's currency; a total at or above it gets the discount. */
  readonly thresholdMinor: number;
  /** Hundredths of a percent: 1000 = 10 %. */
  readonly percentOffBasisPoints: number;
}

/**
 * The order with the promotion applied to its total: the discount is the
 * total times the rate, rounded half up to a whole minor unit (exact, in
 * BigInt). Line prices stay the catalogue's; below the threshold nothing changes.
 */
export function applyPromotion(order: NewOrder, promotion: Promotion): NewOrder {
  const total = BigInt(order.total.amountMinor);
  if (total < BigInt(promotion.thresholdMinor) || promotion.percentOffBasisPoints <= 0) return order;
  const rate = BigInt(Math.min(promotion.percentOffBasisPoints, 10_000));
  const discount = (total * rate + 5_000n) / 10_000n;
  return { ...order, total: { ...order.total, amountMinor: Number(total - discount) } };
}
