/** Exponential backoff: the ceiling doubles from `baseMs` per retry, never above `capMs`. */
export interface BackoffPolicy {
  readonly baseMs: number;
  readonly capMs: number;
}

/** The largest wait before retry number `retry` (0 for the first retry). */
export function backoffCeiling(retry: number, policy: BackoffPolicy): number {
  // 2 ** retry grows to Infinity for absurd retry counts; min() still caps it.
  return Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, retry));
}

/**
 * "Full jitter": a uniform wait in [0, ceiling), so clients that failed
 * together do not come back together.
 */
export function fullJitterDelay(retry: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  return Math.floor(random() * backoffCeiling(retry, policy));
}
