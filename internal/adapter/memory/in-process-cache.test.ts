import { describe, expect, it } from 'vitest';
import { describeCacheContract } from '../../domain/shared/cache.contract.ts';
import { InProcessCache } from './in-process-cache.ts';

describeCacheContract('in process', () => ({
  cache: new InProcessCache(),
  cleanup: () => undefined,
}));

describe('InProcessCache', () => {
  it('when more keys are set than maxEntries, then the least recently used are forgotten', async () => {
    const cache = new InProcessCache({ maxEntries: 2 });
    await cache.set('a', '1', 60_000);
    await cache.set('b', '2', 60_000);
    await cache.get('a');

    await cache.set('c', '3', 60_000);

    expect([await cache.get('a'), await cache.get('b'), await cache.get('c')]).toEqual(['1', undefined, '3']);
  });

  it('when the values outgrow maxBytes, then old entries are evicted to stay within it', async () => {
    const cache = new InProcessCache({ maxBytes: 10_000 });
    const value = 'x'.repeat(1_000);

    for (let i = 0; i < 100; i += 1) await cache.set(`k${i}`, value, 60_000);

    const kept = (await Promise.all(Array.from({ length: 100 }, (_, i) => cache.get(`k${i}`)))).filter((v) => v !== undefined);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThanOrEqual(5);
    expect(await cache.get('k99')).toBe(value);
  });

  it('when a single value is larger than maxBytes, then it is not stored', async () => {
    const cache = new InProcessCache({ maxBytes: 1_000 });

    await cache.set('huge', 'x'.repeat(2_000), 60_000);

    expect(await cache.get('huge')).toBeUndefined();
  });
});
