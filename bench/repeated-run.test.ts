import { describe, expect, it } from 'vitest';
import type { Measurement } from './measurement.ts';
import { aggregateRuns } from './repeated-run.ts';

function run(overrides: Partial<Measurement>): Measurement {
  return {
    name: 'product-read',
    title: 'cached product read',
    connections: 64,
    durationSeconds: 10,
    requests: 10_000,
    requestsPerSecond: 1_000,
    okPerSecond: 1_000,
    latencyP50Ms: 5,
    latencyP99Ms: 20,
    latencyMaxMs: 50,
    errors: 0,
    timeouts: 0,
    non2xx: 0,
    statusCounts: { '200': 10_000 },
    peakRssBytes: 150 * 1024 * 1024,
    cpuMicrosPerRequest: 400,
    ...overrides,
  };
}

describe('repeated runs', () => {
  const aggregated = aggregateRuns([
    run({ cpuMicrosPerRequest: 400, okPerSecond: 1_000, latencyP99Ms: 20 }),
    run({ cpuMicrosPerRequest: 500, okPerSecond: 800, latencyP99Ms: 30, errors: 2, non2xx: 5, statusCounts: { '200': 9_995, '503': 5 }, peakRssBytes: 190 * 1024 * 1024 }),
    run({ cpuMicrosPerRequest: 450, okPerSecond: 900, latencyP99Ms: 25, latencyMaxMs: 90 }),
  ]);

  it('when runs are aggregated, then rates, latencies and CPU are medians', () => {
    expect(aggregated.median.cpuMicrosPerRequest).toBe(450);
    expect(aggregated.median.okPerSecond).toBe(900);
    expect(aggregated.median.latencyP99Ms).toBe(25);
  });

  it('when any round failed, then its errors and statuses show, and RSS and max latency are the highest', () => {
    expect(aggregated.median.errors).toBe(2);
    expect(aggregated.median.non2xx).toBe(5);
    expect(aggregated.median.statusCounts).toEqual({ '200': 29_995, '503': 5 });
    expect(aggregated.median.peakRssBytes).toBe(190 * 1024 * 1024);
    expect(aggregated.median.latencyMaxMs).toBe(90);
    expect(aggregated.median.requests).toBe(30_000);
  });

  it('when runs are aggregated, then the spread is the range over the median', () => {
    expect(aggregated.spread.cpuMicrosPerRequest).toBeCloseTo(100 / 450);
    expect(aggregated.spread.okPerSecond).toBeCloseTo(200 / 900);
  });

  it('when there is one run, then the spread is 0', () => {
    expect(aggregateRuns([run({})]).spread).toEqual({ cpuMicrosPerRequest: 0, okPerSecond: 0, latencyP99Ms: 0 });
  });

  it('when no CPU was measured, then the median CPU is null', () => {
    expect(aggregateRuns([run({ cpuMicrosPerRequest: null })]).median.cpuMicrosPerRequest).toBeNull();
  });
});
