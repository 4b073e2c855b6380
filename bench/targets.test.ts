import { describe, expect, it } from 'vitest';
import type { ScenarioInfo } from './catalog.ts';
import type { Measurement } from './measurement.ts';
import { checkTargets, cpuRatio } from './targets.ts';

function m(overrides: Partial<Measurement>): Measurement {
  return {
    name: 'x', title: 'x', connections: 64, durationSeconds: 10, requests: 1_000, requestsPerSecond: 100, okPerSecond: 100,
    latencyP50Ms: 5, latencyP99Ms: 20, latencyMaxMs: 40, errors: 0, timeouts: 0, non2xx: 0, statusCounts: {}, peakRssBytes: 150 * 1024 * 1024, cpuMicrosPerRequest: 400,
    ...overrides,
  };
}

const ORDER: ScenarioInfo = { name: 'order-place', title: 'place', baseline: 'express-pg-write', target: { maxCpuRatio: 5, maxP99Ms: 150, zeroErrors: true } };

describe('targets', () => {
  it('when the CPU ratio is above the target, then it is missed by a named amount', () => {
    const [cpu] = checkTargets(ORDER, m({ cpuMicrosPerRequest: 4_500 }), m({ cpuMicrosPerRequest: 750 }));
    expect(cpu).toMatchObject({ target: 'CPU/req ≤ 5× express-pg-write', met: false, by: 'missed by 1.00× (20%)' });
    expect(cpu?.measured).toBe('6.00× (4500 vs 750 µs)');
  });

  it('when every target holds, then each says what is to spare', () => {
    const lines = checkTargets(ORDER, m({ cpuMicrosPerRequest: 3_000, latencyP99Ms: 100 }), m({ cpuMicrosPerRequest: 750 }));
    expect(lines.map((l) => l.met)).toEqual([true, true, true, true]);
    expect(lines[0]?.by).toBe('met with 1.00× (20%) to spare');
    expect(lines[1]?.by).toBe('met with 50 ms to spare');
    expect(lines[3]).toMatchObject({ target: 'peak RSS < 200 MB', by: 'met with 50 MB to spare' });
  });

  it('when p99, errors and RSS miss, then each is missed by its amount', () => {
    const lines = checkTargets(ORDER, m({ latencyP99Ms: 180, errors: 2, non2xx: 3, peakRssBytes: 230 * 1024 * 1024 }), m({}));
    expect(lines.slice(1).map((l) => l.by)).toEqual(['missed by 30 ms (20%)', 'missed by 5', 'missed by 30 MB (15%)']);
  });

  it('when the baseline has no CPU figure, then the ratio target is not measured', () => {
    expect(cpuRatio(m({}), undefined)).toBeNull();
    expect(checkTargets(ORDER, m({}), undefined)[0]).toMatchObject({ met: false, by: 'not measured' });
  });

  it('when a scenario has no target, then only the RSS bound is checked', () => {
    expect(checkTargets({ name: 'login', title: 'login', baseline: 'express-pg-read' }, m({}), undefined).map((l) => l.target)).toEqual(['peak RSS < 200 MB']);
  });
});
