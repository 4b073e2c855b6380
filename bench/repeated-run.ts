import type { Measurement } from './measurement.ts';
import { median, relativeSpread } from './stats.ts';

/** The runs of one baseline or scenario across `--repeat` rounds, and what is reported of them. */
export interface RepeatedRun {
  readonly name: string;
  readonly title: string;
  readonly runs: readonly Measurement[];
  /**
   * Medians of the rates, latencies and CPU per request; sums of requests,
   * errors and statuses (a failure in any round shows); the highest RSS and
   * maximum latency.
   */
  readonly median: Measurement;
  /** (max − min) / median of each figure over the rounds; 0 with one round. */
  readonly spread: { readonly cpuMicrosPerRequest: number; readonly okPerSecond: number; readonly latencyP99Ms: number };
}

export function aggregateRuns(runs: readonly Measurement[]): RepeatedRun {
  const first = runs[0];
  if (!first) throw new Error('no runs to aggregate');
  const of = (pick: (m: Measurement) => number | null) => runs.map((m) => pick(m) ?? Number.NaN);
  const sum = (pick: (m: Measurement) => number) => runs.reduce((total, m) => total + pick(m), 0);
  const statusCounts: Record<string, number> = {};
  for (const m of runs) for (const [code, n] of Object.entries(m.statusCounts)) statusCounts[code] = (statusCounts[code] ?? 0) + n;
  const rss = runs.flatMap((m) => (m.peakRssBytes === null ? [] : [m.peakRssBytes]));
  const cpu = median(of((m) => m.cpuMicrosPerRequest));
  return {
    name: first.name,
    title: first.title,
    runs,
    median: {
      name: first.name,
      title: first.title,
      connections: first.connections,
      durationSeconds: sum((m) => m.durationSeconds),
      requests: sum((m) => m.requests),
      requestsPerSecond: median(of((m) => m.requestsPerSecond)),
      okPerSecond: median(of((m) => m.okPerSecond)),
      latencyP50Ms: median(of((m) => m.latencyP50Ms)),
      latencyP99Ms: median(of((m) => m.latencyP99Ms)),
      latencyMaxMs: Math.max(...of((m) => m.latencyMaxMs)),
      errors: sum((m) => m.errors),
      timeouts: sum((m) => m.timeouts),
      non2xx: sum((m) => m.non2xx),
      statusCounts,
      peakRssBytes: rss.length === 0 ? null : Math.max(...rss),
      cpuMicrosPerRequest: Number.isFinite(cpu) ? cpu : null,
    },
    spread: {
      cpuMicrosPerRequest: spreadOrZero(of((m) => m.cpuMicrosPerRequest)),
      okPerSecond: spreadOrZero(of((m) => m.okPerSecond)),
      latencyP99Ms: spreadOrZero(of((m) => m.latencyP99Ms)),
    },
  };
}

function spreadOrZero(values: number[]): number {
  const spread = relativeSpread(values);
  return Number.isFinite(spread) ? spread : 0;
}
