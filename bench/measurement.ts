/** One measured run (after its warm-up) of a baseline or a service scenario. */
export interface Measurement {
  readonly name: string;
  readonly title: string;
  readonly connections: number;
  readonly durationSeconds: number;
  /** Responses received, whatever their status. */
  readonly requests: number;
  readonly requestsPerSecond: number;
  /** 2xx responses per second: what ratios are taken from. */
  readonly okPerSecond: number;
  readonly latencyP50Ms: number;
  readonly latencyP99Ms: number;
  readonly latencyMaxMs: number;
  /** Socket errors (refused, reset, ...) and timeouts: requests that got no answer. */
  readonly errors: number;
  readonly timeouts: number;
  readonly non2xx: number;
  /** Responses by status code, e.g. { "200": 9980, "503": 20 }. */
  readonly statusCounts: Readonly<Record<string, number>>;
  /** Highest VmRSS of the server process seen during the measured run. */
  readonly peakRssBytes: number | null;
  /** Server CPU time (user + system) per answered request, in microseconds: less sensitive to a busy machine than req/s. */
  readonly cpuMicrosPerRequest: number | null;
}

/** The subset of an autocannon result a measurement is made from. */
export interface LoadResult {
  readonly duration: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly non2xx: number;
  readonly '2xx': number;
  readonly latency: { readonly p50: number; readonly p99: number; readonly max: number };
  readonly requests: { readonly total: number };
  readonly statusCodeStats?: Readonly<Record<string, { readonly count?: number }>>;
}

export function toMeasurement(
  run: { readonly name: string; readonly title: string; readonly connections: number },
  result: LoadResult,
  peakRssBytes: number | null,
  cpuSeconds: number | null = null,
): Measurement {
  const seconds = result.duration > 0 ? result.duration : Number.NaN;
  return {
    ...run,
    durationSeconds: result.duration,
    requests: result.requests.total,
    requestsPerSecond: result.requests.total / seconds,
    okPerSecond: result['2xx'] / seconds,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    latencyMaxMs: result.latency.max,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    statusCounts: Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, stats]) => [code, stats.count ?? 0])),
    peakRssBytes,
    cpuMicrosPerRequest: cpuSeconds === null || result.requests.total === 0 ? null : (cpuSeconds * 1e6) / result.requests.total,
  };
}
