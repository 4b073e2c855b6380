/** Median of the finite values, or NaN when there are none. */
export function median(values: readonly number[]): number {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** How far the runs lie apart: (max − min) / median, e.g. 0.12 for ±6% around the median. NaN with no finite value. */
export function relativeSpread(values: readonly number[]): number {
  const finite = values.filter(Number.isFinite);
  const mid = median(finite);
  if (finite.length === 0 || mid === 0) return Number.NaN;
  return (Math.max(...finite) - Math.min(...finite)) / Math.abs(mid);
}

/** True when `before` and `after` differ by more than both runs' spreads: a claimed gain must clear the noise. */
export function clearsSpread(before: readonly number[], after: readonly number[]): boolean {
  const change = Math.abs(median(after) - median(before)) / Math.abs(median(before));
  return change > Math.max(relativeSpread(before), relativeSpread(after));
}
