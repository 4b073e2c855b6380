import type { LoadResult } from './measurement.ts';

/**
 * What a hand-written load loop (gRPC calls, JetStream publishes) records,
 * turned into the same `LoadResult` autocannon gives, so that every run is
 * reported, aggregated and compared alike.
 */
export interface CallTally {
  /** Latency of every answered call, in milliseconds. */
  readonly latenciesMs: number[];
  /** Answers by outcome: `OK` or a status name (`NOT_FOUND`, ...). */
  readonly outcomes: Map<string, number>;
  /** Calls that got no answer: the connection failed or the deadline passed. */
  errors: number;
  timeouts: number;
}

export function newTally(): CallTally {
  return { latenciesMs: [], outcomes: new Map(), errors: 0, timeouts: 0 };
}

/** The value below which `p` percent of the sorted values lie (nearest rank); NaN when empty. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(rank, 1)) - 1] as number;
}

/** Keeps the latency of an answer and counts its outcome. */
export function recordAnswer(tally: CallTally, outcome: string, latencyMs: number): void {
  tally.latenciesMs.push(latencyMs);
  tally.outcomes.set(outcome, (tally.outcomes.get(outcome) ?? 0) + 1);
}

// autocannon reports whole milliseconds; these keep a tenth, which matters for sub-millisecond gRPC answers.
function tenth(value: number): number {
  return Number.isFinite(value) ? Math.round(value * 10) / 10 : Number.NaN;
}

/** The tally over `seconds` as autocannon's result: OK answers count as 2xx, any other status as non-2xx. */
export function tallyToLoadResult(tally: CallTally, seconds: number): LoadResult {
  const sorted = [...tally.latenciesMs].sort((a, b) => a - b);
  const ok = tally.outcomes.get('OK') ?? 0;
  const answered = sorted.length;
  return {
    duration: seconds,
    errors: tally.errors,
    timeouts: tally.timeouts,
    non2xx: answered - ok,
    '2xx': ok,
    latency: { p50: tenth(percentile(sorted, 50)), p99: tenth(percentile(sorted, 99)), max: tenth(sorted.at(-1) ?? Number.NaN) },
    requests: { total: answered },
    statusCodeStats: Object.fromEntries([...tally.outcomes].map(([outcome, count]) => [outcome, { count }])),
  };
}
