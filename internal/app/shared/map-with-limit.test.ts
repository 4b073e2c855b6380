import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { mapWithLimit } from './map-with-limit.ts';

describe('mapWithLimit', () => {
  it('when 20 items are mapped with a limit of 3, then at most 3 run at once and the results keep the order', async () => {
    let running = 0;
    let most = 0;

    const results = await mapWithLimit(
      Array.from({ length: 20 }, (_, i) => i),
      3,
      async (i) => {
        running += 1;
        most = Math.max(most, running);
        await sleep(i % 3);
        running -= 1;
        return i * 2;
      },
    );

    expect(most).toBe(3);
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i * 2));
  });

  it('when there is nothing to map, then nothing runs', async () => {
    expect(await mapWithLimit([], 4, () => Promise.reject(new Error('never')))).toEqual([]);
  });
});
