import { describe, expect, it } from 'vitest';
import { testContext } from '../../../test/support/test-context.ts';
import { TwoLevelCache, type TwoLevelCacheOptions } from './two-level-cache.ts';

interface Item {
  readonly id: string;
  readonly name: string;
  readonly version: number;
  readonly updatedAt: Date;
}

const item = (version: number, name = `v${version}`): Item => ({ id: 'i1', name, version, updatedAt: new Date(1_700_000_000_000 + version) });

function localCache(overrides: Partial<TwoLevelCacheOptions<Item>> = {}): TwoLevelCache<Item> {
  return new TwoLevelCache<Item>({
    name: 'item',
    serialize: (value) => JSON.stringify(value),
    deserialize: (text) => {
      const raw = JSON.parse(text) as Omit<Item, 'updatedAt'> & { updatedAt: string };
      return { ...raw, updatedAt: new Date(raw.updatedAt) };
    },
    versionOf: (value) => value.version,
    ...overrides,
  });
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((res) => {
    resolve = res;
  });
  return { promise, resolve };
}

/** Calls `probe` until `accept` holds or `timeoutMs` passes; returns the last result. */
async function eventually<R>(probe: () => Promise<R>, accept: (result: R) => boolean, timeoutMs = 5_000): Promise<R> {
  const deadline = Date.now() + timeoutMs;
  let result = await probe();
  while (!accept(result) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    result = await probe();
  }
  return result;
}

describe('TwoLevelCache without Redis', () => {
  it('when 200 gets of a cold key run at once, then load runs once and every caller gets its value', async () => {
    const cache = localCache();
    const gate = deferred<Item>();
    let loads = 0;
    const load = () => {
      loads += 1;
      return gate.promise;
    };

    const reads = Promise.all(Array.from({ length: 200 }, () => cache.get(testContext(), 'i1', load)));
    gate.resolve(item(1));
    const values = await reads;

    expect(loads).toBe(1);
    expect(values.every(({ value }) => value?.name === 'v1' && value.updatedAt instanceof Date)).toBe(true);
    expect(cache.stats()).toMatchObject({ loads: 1, misses: 200, flights: 0 });
  });

  it('when a value was loaded, then the next get is a local hit and does not load', async () => {
    const cache = localCache({ localTtlMs: 60_000 });
    const first = await cache.get(testContext(), 'i1', () => Promise.resolve(item(1)));

    const second = await cache.get(testContext(), 'i1', () => Promise.reject(new Error('must not load')));

    expect(first).toEqual({ value: item(1), cache: 'miss', stale: false });
    expect(second).toEqual({ value: item(1), cache: 'hit', stale: false });
    expect(cache.stats()).toMatchObject({ hitsLocal: 1, loads: 1 });
  });

  it('when the local ttl has passed, then the next get loads again', async () => {
    const cache = localCache({ localTtlMs: 30 });
    let version = 1;
    const load = () => Promise.resolve(item(version));
    await cache.get(testContext(), 'i1', load);
    version = 2;

    const value = await eventually(
      () => cache.get(testContext(), 'i1', load),
      (found) => found.value?.version === 2,
    );

    expect(value.value?.version).toBe(2);
    expect(cache.stats().loads).toBe(2);
  });

  it('when the entity does not exist, then "not found" is cached for the local ttl and loaded again after it', async () => {
    const cache = localCache({ localTtlMs: 50 });
    let loads = 0;
    const load = () => {
      loads += 1;
      return Promise.resolve(undefined);
    };
    await cache.get(testContext(), 'missing', load);

    const again = await cache.get(testContext(), 'missing', load);
    const reloaded = await eventually(
      async () => {
        await cache.get(testContext(), 'missing', load);
        return loads;
      },
      (count) => count === 2,
    );

    expect(again).toEqual({ value: undefined, cache: 'hit', stale: false });
    expect(reloaded).toBe(2);
  });

  it('when the load fails after the value went stale, then the stale value is served and marked', async () => {
    const cache = localCache({ localTtlMs: 20, staleWindowMs: 60_000 });
    await cache.get(testContext(), 'i1', () => Promise.resolve(item(1)));
    const databaseDown = () => Promise.reject(new Error('database down'));

    const served = await eventually(
      () => cache.get(testContext(), 'i1', databaseDown),
      ({ stale }) => stale,
    );

    expect(served).toEqual({ value: item(1), cache: 'hit', stale: true });
    expect(cache.stats().staleServed).toBe(1);
  });

  it('when the load fails and nothing was ever cached, then its error is rethrown', async () => {
    const cache = localCache();
    const failure = new Error('database down');

    await expect(cache.get(testContext(), 'i1', () => Promise.reject(failure))).rejects.toBe(failure);
    expect(cache.stats().flights).toBe(0);
  });

  it('when the load fails after the stale window has passed too, then its error is rethrown', async () => {
    const cache = localCache({ localTtlMs: 10, staleWindowMs: 30 });
    await cache.get(testContext(), 'i1', () => Promise.resolve(item(1)));
    const failure = new Error('database down');

    const outcome = await eventually(
      () => cache.get(testContext(), 'i1', () => Promise.reject(failure)).then(() => 'stale served', (error: unknown) => error),
      (result) => result === failure,
    );

    expect(outcome).toBe(failure);
  });

  it('when put runs while a load of the old version is in flight, then the old version is not cached and later gets load anew', async () => {
    const cache = localCache({ localTtlMs: 60_000 });
    const slow = deferred<Item>();
    const reading = cache.get(testContext(), 'i1', () => slow.promise);

    await cache.put(testContext(), 'i1', item(2));
    const afterPut = cache.get(testContext(), 'i1', () => Promise.resolve(item(2)));
    slow.resolve(item(1));

    expect((await reading).value?.version).toBe(1);
    expect((await afterPut).value?.version).toBe(2);
    expect((await cache.get(testContext(), 'i1', () => Promise.reject(new Error('must not load')))).value?.version).toBe(2);
    expect(cache.stats().loads).toBe(2);
  });

  it('when an entity is removed, then the next get asks the source', async () => {
    const cache = localCache({ localTtlMs: 60_000 });
    await cache.get(testContext(), 'i1', () => Promise.resolve(item(1)));

    await cache.remove(testContext(), 'i1');
    const { value } = await cache.get(testContext(), 'i1', () => Promise.resolve(undefined));

    expect(value).toBeUndefined();
    expect(cache.stats().loads).toBe(2);
  });

  it('when a caller mutates a returned value, then the cached value does not change', async () => {
    const cache = localCache({ localTtlMs: 60_000 });
    const first = await cache.get(testContext(), 'i1', () => Promise.resolve(item(1)));

    (first.value as { name: string }).name = 'mutated';
    const second = await cache.get(testContext(), 'i1', () => Promise.reject(new Error('must not load')));

    expect(second.value?.name).toBe('v1');
  });

  it('when the first caller of a shared load goes away, then the others still get the value', async () => {
    const cache = localCache();
    const gate = deferred<Item>();
    const leaving = new AbortController();
    let loadSignal: AbortSignal | undefined;

    const first = cache.get(testContext(leaving.signal), 'i1', (signal) => {
      loadSignal = signal;
      return gate.promise;
    });
    const second = cache.get(testContext(), 'i1', () => Promise.reject(new Error('joins the first load')));
    leaving.abort(new Error('client went away'));
    gate.resolve(item(1));

    await expect(first).rejects.toThrow('client went away');
    expect((await second).value?.version).toBe(1);
    expect(loadSignal?.aborted).toBe(false);
  });

  it('when more entities are read than localMaxEntries, then the local level stays within it', async () => {
    const cache = localCache({ localMaxEntries: 10, localTtlMs: 60_000 });

    for (let i = 0; i < 50; i += 1) await cache.get(testContext(), `i${i}`, () => Promise.resolve(item(i)));

    expect(cache.stats().localEntries).toBe(10);
  });

  it('when closed without Redis, then close resolves and reads still work', async () => {
    const cache = localCache();

    await cache.close();

    expect((await cache.get(testContext(), 'i1', () => Promise.resolve(item(1)))).value?.version).toBe(1);
  });
});
