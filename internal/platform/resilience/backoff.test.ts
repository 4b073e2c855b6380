import { describe, expect, it } from 'vitest';
import { backoffCeiling, fullJitterDelay } from './backoff.ts';

const policy = { baseMs: 50, capMs: 1_000 };

describe('backoffCeiling', () => {
  it.each([
    [0, 50],
    [1, 100],
    [2, 200],
    [3, 400],
    [4, 800],
    [5, 1_000],
    [6, 1_000],
    [2_000, 1_000],
  ])('when retry %i comes, then the ceiling is %i ms', (retry, ceiling) => {
    expect(backoffCeiling(retry, policy)).toBe(ceiling);
  });
});

describe('fullJitterDelay', () => {
  it('when the random source is at its extremes, then the delay spans [0, ceiling)', () => {
    expect(fullJitterDelay(3, policy, () => 0)).toBe(0);
    expect(fullJitterDelay(3, policy, () => 0.999_999)).toBe(399);
    expect(fullJitterDelay(10, policy, () => 0.999_999)).toBe(999);
  });

  it('when drawn many times, then every delay stays within bounds and they spread over the range', () => {
    for (const retry of [0, 1, 2, 3, 4, 5, 8]) {
      const ceiling = backoffCeiling(retry, policy);
      const delays = Array.from({ length: 2_000 }, () => fullJitterDelay(retry, policy));

      expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...delays)).toBeLessThan(ceiling);
      expect(delays.every(Number.isInteger)).toBe(true);
      // Jitter, not a fixed step: the draws cover the low and the high quarter of the range.
      expect(delays.some((delay) => delay < ceiling / 4)).toBe(true);
      expect(delays.some((delay) => delay >= (ceiling * 3) / 4)).toBe(true);
    }
  });

  it('when the base is 0, then there is no wait', () => {
    expect(fullJitterDelay(4, { baseMs: 0, capMs: 1_000 }, () => 0.9)).toBe(0);
  });
});
