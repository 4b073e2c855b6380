import { describe, expect, it } from 'vitest';
import { newTally, percentile, recordAnswer, tallyToLoadResult } from './call-stats.ts';

describe('percentile', () => {
  it('when asked for p50 and p99 of 1..100, then it gives the nearest-rank values', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
  });
  it('when there is one value, then every percentile is that value', () => {
    expect(percentile([7], 1)).toBe(7);
    expect(percentile([7], 99)).toBe(7);
  });
  it('when there is no value, then it is NaN', () => {
    expect(percentile([], 50)).toBeNaN();
  });
});

describe('tallyToLoadResult', () => {
  it('when calls answered OK and with other statuses, then OK counts as 2xx and the rest as non-2xx', () => {
    const tally = newTally();
    for (let i = 0; i < 8; i++) recordAnswer(tally, 'OK', 1 + i / 10);
    recordAnswer(tally, 'NOT_FOUND', 2);
    recordAnswer(tally, 'OK', 9.87);
    tally.errors = 3;
    tally.timeouts = 1;
    const result = tallyToLoadResult(tally, 2);
    expect(result['2xx']).toBe(9);
    expect(result.non2xx).toBe(1);
    expect(result.requests.total).toBe(10);
    expect(result.errors).toBe(3);
    expect(result.timeouts).toBe(1);
    expect(result.duration).toBe(2);
    expect(result.latency.max).toBe(9.9);
    expect(result.latency.p50).toBe(1.4);
    expect(result.statusCodeStats).toEqual({ OK: { count: 9 }, NOT_FOUND: { count: 1 } });
  });
  it('when nothing answered, then the latencies are NaN and the counts 0', () => {
    const result = tallyToLoadResult(newTally(), 1);
    expect(result.requests.total).toBe(0);
    expect(result.latency.p99).toBeNaN();
  });
});
