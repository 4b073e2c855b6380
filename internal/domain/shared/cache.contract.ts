import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Cache } from './cache.ts';

export interface CacheFixture {
  readonly cache: Cache;
  /** Removes whatever the test stored. */
  readonly cleanup: () => void | Promise<void>;
}

/**
 * The behaviour every `Cache` adapter must show. `setup` runs before each
 * test; keys are unique per test, so a shared backing store is fine.
 */
export function describeCacheContract(name: string, setup: () => CacheFixture | Promise<CacheFixture>): void {
  describe(`Cache contract: ${name}`, () => {
    let cache: Cache;
    let cleanup: CacheFixture['cleanup'];
    const key = (label: string) => `${label}:${randomUUID()}`;

    beforeEach(async () => {
      ({ cache, cleanup } = await setup());
    });

    afterEach(async () => {
      await cleanup();
    });

    it('when a value is set, then get returns it', async () => {
      const k = key('round-trip');

      await cache.set(k, 'ünïcode ✓ {"json":true}', 60_000);

      expect(await cache.get(k)).toBe('ünïcode ✓ {"json":true}');
    });

    it('when a key is set twice, then get returns the second value', async () => {
      const k = key('overwrite');
      await cache.set(k, 'first', 60_000);

      await cache.set(k, 'second', 60_000);

      expect(await cache.get(k)).toBe('second');
    });

    it('when a key is deleted, then get returns undefined and other keys stay', async () => {
      const [gone, kept] = [key('deleted'), key('kept')];
      await cache.set(gone, 'a', 60_000);
      await cache.set(kept, 'b', 60_000);

      await cache.delete(gone);

      expect(await cache.get(gone)).toBeUndefined();
      expect(await cache.get(kept)).toBe('b');
    });

    it('when an absent key is deleted, then nothing fails', async () => {
      await expect(cache.delete(key('never-set'))).resolves.toBeUndefined();
    });

    it('when no value was set, then get returns undefined', async () => {
      expect(await cache.get(key('missing'))).toBeUndefined();
    });

    it('when the ttl passes, then get returns undefined', async () => {
      const k = key('expiring');
      const setAt = Date.now();
      await cache.set(k, 'short-lived', 100);

      const gone = await pollUntil(async () => (await cache.get(k)) === undefined, 3_000);

      expect(gone).toBe(true);
      // Not forgotten early either (a few ms of slack for clock granularity).
      expect(Date.now() - setAt).toBeGreaterThanOrEqual(95);
    });

    it('when the ttl has not passed, then the value is still there', async () => {
      const k = key('fresh');

      await cache.set(k, 'still here', 60_000);

      expect(await cache.get(k)).toBe('still here');
    });
  });
}

/** Polls `condition` every few milliseconds until it holds or `timeoutMs` passes. */
async function pollUntil(condition: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return condition();
}
