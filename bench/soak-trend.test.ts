import { describe, expect, it } from 'vitest';
import { gcObservations, judgeHeapTrend, leastSquares, type SoakSample } from './soak-trend.ts';

const MB = 1024 * 1024;

/** A sample every 5 s; a new major GC every `gcEvery` samples, leaving `heapAfterGc(t)` MB. */
function run(count: number, heapAfterGc: (t: number) => number, gcEvery = 1): SoakSample[] {
  return Array.from({ length: count }, (_, i) => {
    const t = i * 5;
    const gcs = Math.floor(i / gcEvery) + 1;
    const gcAt = Math.floor(i / gcEvery) * gcEvery * 5;
    return {
      elapsedSeconds: t,
      time: new Date(Date.UTC(2026, 0, 1, 0, 0, t)).toISOString(),
      rssBytes: 120 * MB,
      heapUsedBytes: 60 * MB,
      heapAfterGcBytes: heapAfterGc(gcAt) * MB,
      majorGcs: gcs,
      activeHandles: 40,
      loopDelayP50Ms: 10,
      loopDelayP99Ms: 12,
      loopDelayMaxMs: 20,
      loopUtilization: 0.4,
      requests: i * 1_500,
      non2xx: 0,
      errors: 0,
    };
  });
}

describe('leastSquares', () => {
  it('when the points lie on a line, then it finds that line', () => {
    const line = leastSquares([0, 1, 2, 3].map((x) => ({ x, y: 3 + 2 * x })));

    expect(line.slope).toBeCloseTo(2, 10);
    expect(line.intercept).toBeCloseTo(3, 10);
  });

  it('when the points scatter around a line, then the fit passes through their means', () => {
    const line = leastSquares([
      { x: 0, y: 1 },
      { x: 1, y: 3 },
      { x: 2, y: 2 },
      { x: 3, y: 4 },
    ]);

    expect(line.slope).toBeCloseTo(0.8, 10);
    expect(line.intercept + line.slope * 1.5).toBeCloseTo(2.5, 10);
  });

  it('when all points share one x, then there is no line', () => {
    expect(() => leastSquares([{ x: 1, y: 1 }, { x: 1, y: 2 }])).toThrow(/distinct/);
  });
});

describe('judgeHeapTrend', () => {
  it('when the heap after GC stays flat with noise, then the run passes', () => {
    const samples = run(120, (t) => 50 + (t % 15 === 0 ? 1 : -1));

    const verdict = judgeHeapTrend(samples, { warmupSeconds: 100, maxGrowthPercent: 10 });

    expect(verdict.ok).toBe(true);
    expect(Math.abs(verdict.growthPercent ?? Infinity)).toBeLessThan(2);
    expect(verdict.reason).toMatch(/flat enough.*within the bound of 10%/);
  });

  it('when the heap after GC grows 20% of its mean over the judged window, then the run fails and says by how much', () => {
    // 500 s judged (100..595 s), from 45 MB to 55 MB: +10 MB on a mean of 50 MB.
    const samples = run(120, (t) => 45 + (10 * Math.max(0, t - 100)) / 495);

    const verdict = judgeHeapTrend(samples, { warmupSeconds: 100, maxGrowthPercent: 10 });

    expect(verdict.ok).toBe(false);
    expect(verdict.growthPercent).toBeCloseTo(20, 0);
    expect(verdict.reason).toMatch(/grows.*20\.\d% .*beyond the bound of 10%/);
  });

  it('when the growth is only in the warm-up, then it is not judged', () => {
    const samples = run(120, (t) => (t < 100 ? 10 + t / 2 : 60));

    const verdict = judgeHeapTrend(samples, { warmupSeconds: 100, maxGrowthPercent: 10 });

    expect(verdict.ok).toBe(true);
    expect(verdict.growthPercent).toBeCloseTo(0, 5);
  });

  it('when fewer than three major GCs happen after the warm-up, then the run fails as inconclusive', () => {
    const samples = run(40, () => 50, 15);

    const verdict = judgeHeapTrend(samples, { warmupSeconds: 60, maxGrowthPercent: 10 });

    expect(verdict.ok).toBe(false);
    expect(verdict.points).toBe(2);
    expect(verdict.reason).toMatch(/^inconclusive: only 2 major GCs/);
  });

  it('when one major GC is seen by many samples, then it counts once', () => {
    const samples = run(30, (t) => 40 + t, 10);

    expect(gcObservations(samples)).toEqual([
      { elapsedSeconds: 0, bytes: 40 * MB },
      { elapsedSeconds: 50, bytes: 90 * MB },
      { elapsedSeconds: 100, bytes: 140 * MB },
    ]);
  });

  it('when no major GC has happened yet, then those samples are no observations', () => {
    const samples = run(3, () => 50).map((s) => ({ ...s, heapAfterGcBytes: null, majorGcs: 0 }));

    expect(gcObservations(samples)).toEqual([]);
  });
});
