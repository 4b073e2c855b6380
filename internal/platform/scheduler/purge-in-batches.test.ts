import { describe, expect, it } from 'vitest';
import { purgeInBatches } from './purge-in-batches.ts';

describe('purgeInBatches', () => {
  it('when more rows expired than one batch holds, then it purges batch after batch until a batch comes back short', async () => {
    let left = 25;
    const limits: number[] = [];

    const outcome = await purgeInBatches(new AbortController().signal, 10, (limit) => {
      limits.push(limit);
      const removed = Math.min(limit, left);
      left -= removed;
      return Promise.resolve(removed);
    });

    expect(outcome).toEqual({ removed: 25, batches: 3 });
    expect(limits).toEqual([10, 10, 10]);
  });

  it('when the signal aborts between batches, then it stops after the batch in progress', async () => {
    const controller = new AbortController();
    let batches = 0;

    const outcome = await purgeInBatches(controller.signal, 10, () => {
      batches += 1;
      if (batches === 2) controller.abort();
      return Promise.resolve(10);
    });

    expect(outcome).toEqual({ removed: 20, batches: 2 });
  });
});
