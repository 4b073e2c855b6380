/**
 * Calls `purgeBatch(limit)` until it removes fewer than `batchSize` rows or
 * `signal` aborts; returns the total removed. Small batches keep each
 * statement short, so a large backlog never holds locks for long.
 */
export async function purgeInBatches(signal: AbortSignal, batchSize: number, purgeBatch: (limit: number) => Promise<number>): Promise<{ removed: number; batches: number }> {
  let removed = 0;
  let batches = 0;
  while (!signal.aborted) {
    const count = await purgeBatch(batchSize);
    removed += count;
    batches += 1;
    if (count < batchSize) break;
  }
  return { removed, batches };
}
