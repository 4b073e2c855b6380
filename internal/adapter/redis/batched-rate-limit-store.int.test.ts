import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { BatchedRateLimitStore } from './batched-rate-limit-store.ts';
import { RedisRateLimitStore } from './redis-rate-limit-store.ts';

const redisUrl = inject('redisUrl');
const WINDOW_MS = 60_000;

describe.runIf(redisUrl)('rate-limit stores in Redis', () => {
  let client: Redis;
  const opened: BatchedRateLimitStore[] = [];

  beforeAll(() => {
    client = new Redis(redisUrl, { enableOfflineQueue: true, maxRetriesPerRequest: 1, commandTimeout: 2_000 });
  });

  afterAll(async () => {
    await Promise.all(opened.map((store) => store.close()));
    const keys = await client.keys('test:rl:*');
    if (keys.length > 0) await client.del(...keys);
    await client.quit();
  });

  // One replica's store; replicas share Redis through the prefix.
  const replica = (prefix: string, limit: number, syncIntervalMs = 60_000) => {
    const store = new BatchedRateLimitStore(new RedisRateLimitStore(client, prefix), { syncIntervalMs });
    store.init({ windowMs: WINDOW_MS, limit });
    opened.push(store);
    return store;
  };
  const stored = async (key: string) => Number(await client.get(key));
  const admitted = async (store: BatchedRateLimitStore, key: string, hits: number, limit: number) => {
    let count = 0;
    for (let hit = 0; hit < hits; hit += 1) if ((await store.increment(key)).totalHits <= limit) count += 1;
    return count;
  };

  it('when hits come, then the shared store counts them in a window that expires', async () => {
    const prefix = `test:rl:${randomUUID()}:`;
    const store = new RedisRateLimitStore(client, prefix);
    store.init({ windowMs: WINDOW_MS });
    await store.increment('caller');
    const counter = await store.add('caller', 4);
    expect(counter.totalHits).toBe(5);
    expect(counter.resetTime!.getTime() - Date.now()).toBeGreaterThan(WINDOW_MS - 5_000);
    expect(await client.pttl(`${prefix}caller`)).toBeGreaterThan(WINDOW_MS - 5_000);
    expect(await store.addMany([['caller', 2], ['other', 3]])).toMatchObject([{ totalHits: 7 }, { totalHits: 3 }]);
  });

  it('when a caller is far from the limit, then only its first hit waits for Redis and the rest arrive with the next sync', async () => {
    const prefix = `test:rl:${randomUUID()}:`;
    const store = replica(prefix, 1_000);
    const totals = [];
    for (let hit = 0; hit < 50; hit += 1) totals.push((await store.increment('caller')).totalHits);
    expect(totals).toEqual(Array.from({ length: 50 }, (_, index) => index + 1));
    expect(await stored(`${prefix}caller`)).toBe(1);
    await store.flush();
    expect(await stored(`${prefix}caller`)).toBe(50);
  });

  it('when one replica counts, then exactly the limit is admitted', async () => {
    const prefix = `test:rl:${randomUUID()}:`;
    expect(await admitted(replica(prefix, 20), 'caller', 60, 20)).toBe(20);
    expect(await stored(`${prefix}caller`)).toBe(60);
  });

  it('when two replicas sync between bursts, then together they admit exactly the limit', async () => {
    const prefix = `test:rl:${randomUUID()}:`;
    const [a, b] = [replica(prefix, 50), replica(prefix, 50)];
    let count = 0;
    for (let round = 0; round < 10; round += 1) {
      count += await admitted(round % 2 === 0 ? a : b, 'caller', 10, 50);
      await Promise.all([a.flush(), b.flush()]);
    }
    expect(count).toBe(50);
  });

  it('when two replicas never sync, then they admit at most what one interval allows over the limit', async () => {
    const prefix = `test:rl:${randomUUID()}:`;
    const [a, b] = [replica(prefix, 50), replica(prefix, 50)];
    let count = 0;
    for (let round = 0; round < 20; round += 1) count += await admitted(round % 2 === 0 ? a : b, 'caller', 5, 50);
    // Below 80% of the limit each replica counts on its own; from there every hit is exact.
    expect(count).toBeGreaterThanOrEqual(50);
    expect(count).toBeLessThanOrEqual(50 + 0.8 * 50);
    await Promise.all([a.flush(), b.flush()]);
    expect(await stored(`${prefix}caller`)).toBe(100);
  });

  it('when the timer fires, then pending hits reach Redis without a flush', async () => {
    const prefix = `test:rl:${randomUUID()}:`;
    const store = replica(prefix, 1_000, 20);
    for (let hit = 0; hit < 10; hit += 1) await store.increment('caller');
    await expect.poll(() => stored(`${prefix}caller`), { timeout: 2_000 }).toBe(10);
  });

  it('when the limit is computed per request, then every hit goes to Redis', async () => {
    const prefix = `test:rl:${randomUUID()}:`;
    const store = new BatchedRateLimitStore(new RedisRateLimitStore(client, prefix));
    store.init({ windowMs: WINDOW_MS, limit: () => 10 });
    opened.push(store);
    for (let hit = 0; hit < 3; hit += 1) await store.increment('caller');
    expect(await stored(`${prefix}caller`)).toBe(3);
  });
});
