import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Redis, type RedisOptions } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { hasRedisServerBinary, startRedisServer, type RedisServer } from '../../../test/support/redis-server.ts';
import { testContext } from '../../../test/support/test-context.ts';
import type { ContextLogger } from '../../domain/shared/context.ts';
import { TwoLevelCache, type TwoLevelCacheOptions } from './two-level-cache.ts';

interface Item {
  readonly id: string;
  readonly version: number;
  readonly updatedAt: Date;
}

const item = (id: string, version: number): Item => ({ id, version, updatedAt: new Date(1_700_000_000_000 + version) });

// What production should give the shared client: fail fast while Redis is away, never queue.
const CLIENT_OPTIONS: RedisOptions = { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 1_000 };

const redisUrl = inject('redisUrl');
const redisServerAvailable = await hasRedisServerBinary();

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((res) => {
    resolve = res;
  });
  return { promise, resolve };
}

async function eventually<R>(probe: () => Promise<R> | R, accept: (result: R) => boolean, timeoutMs = 10_000): Promise<R> {
  const deadline = Date.now() + timeoutMs;
  let result = await probe();
  while (!accept(result) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    result = await probe();
  }
  return result;
}

const mustNotLoad = () => Promise.reject(new Error('must not load'));

/** Replicas of one service: TwoLevelCaches over one Redis client and one key prefix, closed after each test. */
function replicaFactory(client: () => Redis) {
  const open: TwoLevelCache<Item>[] = [];
  let prefix = '';
  const replica = (overrides: Partial<TwoLevelCacheOptions<Item>> = {}) => {
    const cache = new TwoLevelCache<Item>({
      name: 'item',
      redis: client(),
      keyPrefix: prefix,
      serialize: (value) => JSON.stringify(value),
      deserialize: (text) => {
        const raw = JSON.parse(text) as Omit<Item, 'updatedAt'> & { updatedAt: string };
        return { ...raw, updatedAt: new Date(raw.updatedAt) };
      },
      versionOf: (value) => value.version,
      localTtlMs: 60_000,
      ...overrides,
    });
    open.push(cache);
    return cache;
  };
  const subscribed = (...caches: TwoLevelCache<Item>[]) =>
    eventually(
      () => caches.every((cache) => cache.stats().resyncs >= 1),
      (ok) => ok,
    );
  return {
    replica,
    subscribed,
    newPrefix: () => {
      prefix = `test:two-level:${randomUUID()}:`;
      return prefix;
    },
    closeAll: async () => {
      await Promise.all(open.splice(0).map((cache) => cache.close()));
    },
  };
}

async function removeKeys(client: Redis, prefix: string): Promise<void> {
  const keys = await client.keys(`${prefix}*`);
  if (keys.length > 0) await client.del(...keys);
}

describe.runIf(redisUrl)('TwoLevelCache with Redis', () => {
  let client: Redis;
  const replicas = replicaFactory(() => client);
  let prefix = '';

  beforeAll(async () => {
    client = new Redis(redisUrl, CLIENT_OPTIONS);
    client.on('error', () => undefined);
    await client.connect();
  });

  afterEach(async () => {
    await replicas.closeAll();
    await removeKeys(client, prefix);
  });

  afterAll(async () => {
    await client?.quit();
  });

  it('when replica B puts v2, then replica A serves v2 within a second although its local ttl is a minute', async ({ annotate }) => {
    prefix = replicas.newPrefix();
    const [a, b] = [replicas.replica(), replicas.replica()];
    await replicas.subscribed(a, b);
    await a.get(testContext(), 'i1', () => Promise.resolve(item('i1', 1)));
    expect((await a.get(testContext(), 'i1', mustNotLoad)).value?.version).toBe(1);

    const startedAt = performance.now();
    await b.put(testContext(), 'i1', item('i1', 2));
    const seen = await eventually(
      () => a.get(testContext(), 'i1', mustNotLoad),
      ({ value }) => value?.version === 2,
      1_000,
    );
    const latencyMs = performance.now() - startedAt;

    expect(seen.value?.version).toBe(2);
    expect(latencyMs).toBeLessThan(1_000);
    expect(a.stats()).toMatchObject({ invalidationsReceived: 1, loads: 1 });
    await annotate(`invalidation latency ${latencyMs.toFixed(1)} ms (put start → A serves v2)`);
  });

  it.each([
    ['the same replica', 'a'],
    ['another replica', 'b'],
  ] as const)('when a slow load of v1 finishes after a put of v2 through %s, then v1 overwrites v2 neither in Redis nor locally', async (_, writer) => {
    prefix = replicas.newPrefix();
    const [a, b, observer] = [replicas.replica(), replicas.replica(), replicas.replica()];
    await replicas.subscribed(a, b, observer);
    const loadStarted = deferred<void>();
    const slowRow = deferred<Item>();

    const slowRead = a.get(testContext(), 'i1', () => {
      loadStarted.resolve();
      return slowRow.promise;
    });
    await loadStarted.promise;
    await (writer === 'a' ? a : b).put(testContext(), 'i1', item('i1', 2));
    slowRow.resolve(item('i1', 1));
    await slowRead;

    expect(await client.hget(`${prefix}i1`, 'v')).toBe('2');
    expect((await observer.get(testContext(), 'i1', mustNotLoad)).value?.version).toBe(2);
    expect((await a.get(testContext(), 'i1', mustNotLoad)).value?.version).toBe(2);
  });

  it('when 200 cold reads hit each of two replicas at once, then each replica loads once (two loads in all) and a third replica loads none', async () => {
    prefix = replicas.newPrefix();
    const [a, b, c] = [replicas.replica(), replicas.replica(), replicas.replica()];
    const gate = deferred<Item>();
    const loads = { a: 0, b: 0 };
    const loader = (name: 'a' | 'b') => () => {
      loads[name] += 1;
      return gate.promise;
    };

    const reads = Promise.all([
      ...Array.from({ length: 200 }, () => a.get(testContext(), 'hot', loader('a'))),
      ...Array.from({ length: 200 }, () => b.get(testContext(), 'hot', loader('b'))),
    ]);
    await eventually(
      () => loads.a + loads.b,
      (count) => count === 2,
      2_000,
    );
    gate.resolve(item('hot', 1));
    const values = await reads;

    expect(loads).toEqual({ a: 1, b: 1 });
    expect(values.every(({ value }) => value?.version === 1)).toBe(true);
    expect((await c.get(testContext(), 'hot', mustNotLoad)).value?.version).toBe(1);
    expect(c.stats()).toMatchObject({ hitsRedis: 1, loads: 0 });
  });

  it('when replica A reads, then the value fills Redis and replica B hits it there', async () => {
    prefix = replicas.newPrefix();
    const [a, b] = [replicas.replica(), replicas.replica()];
    const first = await a.get(testContext(), 'i1', () => Promise.resolve(item('i1', 1)));
    const second = await b.get(testContext(), 'i1', mustNotLoad);

    expect(first).toEqual({ value: item('i1', 1), cache: 'miss', stale: false });
    expect(second).toEqual({ value: item('i1', 1), cache: 'hit', stale: false });
    expect(await client.pttl(`${prefix}i1`)).toBeGreaterThan(60_000);
  });

  it('when an entity is removed, then other replicas see "not found" and a late load of the old version cannot bring it back', async () => {
    prefix = replicas.newPrefix();
    const [a, b] = [replicas.replica(), replicas.replica()];
    await replicas.subscribed(a, b);
    const loadStarted = deferred<void>();
    const slowRow = deferred<Item>();
    const lateRead = a.get(testContext(), 'i1', () => {
      loadStarted.resolve();
      return slowRow.promise;
    });
    await loadStarted.promise;
    await b.get(testContext(), 'i1', () => Promise.resolve(item('i1', 3)));

    await a.remove(testContext(), 'i1');
    slowRow.resolve(item('i1', 3));
    await lateRead;
    const seenByB = await eventually(
      () => b.get(testContext(), 'i1', mustNotLoad),
      ({ value }) => value === undefined,
      1_000,
    );

    expect(seenByB.value).toBeUndefined();
    expect((await a.get(testContext(), 'i1', mustNotLoad)).value).toBeUndefined();
    expect(await client.hget(`${prefix}i1`, 'a')).toBe('1');
    expect(await client.pttl(`${prefix}i1`)).toBeGreaterThan(55_000);
  });

  it('when the source says "not found", then a short negative entry is cached and a later create replaces it', async () => {
    prefix = replicas.newPrefix();
    const [a, b] = [replicas.replica({ negativeTtlMs: 5_000 }), replicas.replica()];
    await replicas.subscribed(a, b);

    expect((await a.get(testContext(), 'new', () => Promise.resolve(undefined))).value).toBeUndefined();
    expect((await b.get(testContext(), 'new', mustNotLoad)).value).toBeUndefined();
    expect(await client.pttl(`${prefix}new`)).toBeLessThanOrEqual(5_000 * 1.15);
    await a.put(testContext(), 'new', item('new', 1));

    const seen = await eventually(
      () => b.get(testContext(), 'new', mustNotLoad),
      ({ value }) => value?.version === 1,
      1_000,
    );
    expect(seen.value?.version).toBe(1);
  });

  it('when the Redis value is past its fresh ttl and the source fails, then it is served marked stale', async () => {
    prefix = replicas.newPrefix();
    const a = replicas.replica({ ttlMs: 30, localTtlMs: 10, jitter: 0 });
    await a.get(testContext(), 'i1', () => Promise.resolve(item('i1', 1)));

    const served = await eventually(
      () => a.get(testContext(), 'i1', () => Promise.reject(new Error('database down'))),
      ({ stale }) => stale,
    );

    expect(served).toEqual({ value: item('i1', 1), cache: 'hit', stale: true });
  });
});

describe.runIf(redisServerAvailable)('TwoLevelCache during a Redis outage', () => {
  let server: RedisServer;
  let client: Redis;
  const replicas = replicaFactory(() => client);

  beforeAll(async () => {
    server = await startRedisServer();
    // Short reconnect delays keep the test quick; production keeps ioredis' default backoff.
    client = new Redis(server.url, { ...CLIENT_OPTIONS, retryStrategy: () => 100 });
    client.on('error', () => undefined);
    await client.connect();
  });

  afterAll(async () => {
    await replicas.closeAll();
    client?.disconnect();
    await server?.stop();
  });

  it('when Redis stops, then reads bypass it without failing and each replica warns once; when it is back, then the cache recovers by itself', async () => {
    replicas.newPrefix();
    const warnings: unknown[] = [];
    const log: ContextLogger = { debug: () => undefined, info: () => undefined, warn: (obj) => warnings.push(obj), error: () => undefined };
    const [a, b] = [replicas.replica({ log, warnIntervalMs: 60_000 }), replicas.replica({ log, warnIntervalMs: 60_000 })];
    await replicas.subscribed(a, b);
    await a.get(testContext(), 'before', () => Promise.resolve(item('before', 1)));

    await server.stop();
    await eventually(
      () => client.status,
      (status) => status !== 'ready',
    );
    const duringOutage = [];
    for (let i = 0; i < 20; i += 1) {
      const { value, cache } = await a.get(testContext(), `down-${i}`, () => Promise.resolve(item(`down-${i}`, 1)));
      duringOutage.push({ version: value?.version, cache });
    }
    await b.put(testContext(), 'written-while-down', item('written-while-down', 7));

    expect(duringOutage.every((read) => read.version === 1 && read.cache === 'bypass')).toBe(true);
    expect(a.stats().redisErrors).toBeGreaterThan(0);
    expect(b.stats().pendingRepairs).toBe(1);
    expect(warnings.length).toBeLessThanOrEqual(2);

    await server.start();
    const recovered = await eventually(
      async () => {
        const { cache } = await a.get(testContext(), `probe-${randomUUID()}`, () => Promise.resolve(item('probe', 1)));
        return cache === 'miss' && a.stats().resyncs >= 2 && b.stats().resyncs >= 2;
      },
      (ok) => ok,
      20_000,
    );
    expect(recovered).toBe(true);

    // The resubscription cleared A's local level: what A held from before the outage is read anew.
    expect((await a.get(testContext(), 'before', () => Promise.resolve(item('before', 2)))).value?.version).toBe(2);
    await a.get(testContext(), 'after', () => Promise.resolve(item('after', 1)));
    const hitInRedis = await b.get(testContext(), 'after', mustNotLoad);
    expect(hitInRedis.value?.version).toBe(1);
    expect(hitInRedis.cache).toBe('hit');

    const repaired = await eventually(
      async () => {
        await b.get(testContext(), `nudge-${randomUUID()}`, () => Promise.resolve(undefined));
        return b.stats().pendingRepairs;
      },
      (pending) => pending === 0,
    );
    expect(repaired).toBe(0);
    expect((await a.get(testContext(), 'written-while-down', mustNotLoad)).value?.version).toBe(7);

    await a.get(testContext(), 'flowing', () => Promise.resolve(item('flowing', 1)));
    await b.put(testContext(), 'flowing', item('flowing', 2));
    const invalidated = await eventually(
      () => a.get(testContext(), 'flowing', mustNotLoad),
      ({ value }) => value?.version === 2,
      1_000,
    );
    expect(invalidated.value?.version).toBe(2);
  });
});
