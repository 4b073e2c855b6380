import { describe, expect, it } from 'vitest';
import { clearsSpread, median, relativeSpread } from './stats.ts';

describe('median', () => {
  it('when the count is odd, then it is the middle value', () => {
    expect(median([9, 1, 5])).toBe(5);
  });
  it('when the count is even, then it is the mean of the two middle values', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
  it('when there is no finite value, then it is NaN', () => {
    expect(median([Number.NaN])).toBeNaN();
    expect(median([])).toBeNaN();
  });
});

describe('spread', () => {
  it('when runs differ, then the spread is their range over the median', () => {
    expect(relativeSpread([90, 100, 110])).toBeCloseTo(0.2);
  });
  it('when there is one run, then the spread is 0', () => {
    expect(relativeSpread([100])).toBe(0);
  });
  it('when a change is smaller than the spread, then it does not clear it', () => {
    expect(clearsSpread([100, 110, 90], [95, 105, 98])).toBe(false);
    expect(clearsSpread([100, 102, 98], [70, 72, 69])).toBe(true);
  });
});
