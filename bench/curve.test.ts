import { describe, expect, it } from 'vitest';
import { judgeCurve } from './curve.ts';

describe('a flat curve', () => {
  it('when the cost stays within the tolerance, then it is not flagged', () => {
    expect(judgeCurve('flat', [{ x: 10_000, y: 1_000 }, { x: 1_000_000, y: 1_200 }]).flagged).toBe(false);
  });
  it('when the cost grows past the tolerance, then it is flagged with the growth', () => {
    const verdict = judgeCurve('flat', [{ x: 10_000, y: 1_000 }, { x: 1_000_000, y: 2_000 }]);
    expect(verdict.flagged).toBe(true);
    expect(verdict.reason).toContain('grows 100%');
  });
  it('when the growth is below the noise floor, then it is not flagged', () => {
    expect(judgeCurve('flat', [{ x: 1, y: 40 }, { x: 2, y: 80 }]).flagged).toBe(false);
  });
  it('when a point is missing, then the others are judged', () => {
    expect(judgeCurve('flat', [{ x: 1, y: Number.NaN }, { x: 2, y: 100 }]).reason).toContain('fewer than two');
  });
});

describe('a flat curve that falls', () => {
  it('when the first point is the highest, then the change to the last is shown', () => {
    expect(judgeCurve('flat', [{ x: 1_000, y: 2_857 }, { x: 100_000, y: 2_481 }]).reason).toBe('flat within 30% (-13% from x=1000 to x=100000)');
  });
});

describe('a linear curve', () => {
  it('when the steeper last segment is within a tenth of the cost, then it is noise, not flagged', () => {
    expect(judgeCurve('linear', [{ x: 10, y: 2_724 }, { x: 50, y: 2_857 }, { x: 100, y: 3_309 }]).flagged).toBe(false);
  });

  it('when each unit costs about the same, then it is not flagged', () => {
    const points = [1, 5, 20, 50].map((x) => ({ x, y: 2_000 + 300 * x }));
    expect(judgeCurve('linear', points).flagged).toBe(false);
  });
  it('when the last units cost far more than the first, then it is flagged', () => {
    const points = [1, 5, 20, 50].map((x) => ({ x, y: 2_000 + 10 * x * x }));
    const verdict = judgeCurve('linear', points);
    expect(verdict.flagged).toBe(true);
    expect(verdict.reason).toContain('grows faster than the work');
  });
});
