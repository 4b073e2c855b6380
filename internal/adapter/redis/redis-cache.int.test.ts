import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { describeCacheContract } from '../../domain/shared/cache.contract.ts';
import { RedisCache } from './redis-cache.ts';

const redisUrl = inject('redisUrl');

describe.runIf(redisUrl)('RedisCache', () => {
  let client: Redis;

  beforeAll(() => {
    client = new Redis(redisUrl, { enableOfflineQueue: true, maxRetriesPerRequest: 1, commandTimeout: 2_000 });
  });

  afterAll(async () => {
    await client?.quit();
  });

  const removeKeys = async (prefix: string) => {
    const keys = await client.keys(`${prefix}*`);
    if (keys.length > 0) await client.del(...keys);
  };

  describeCacheContract('Redis', () => {
    const prefix = `test:redis-cache:${randomUUID()}:`;
    return { cache: new RedisCache(client, prefix), cleanup: () => removeKeys(prefix) };
  });

  it('when a value is set, then it is stored under the prefix with a millisecond ttl', async () => {
    const prefix = `test:redis-cache:${randomUUID()}:`;
    const cache = new RedisCache(client, prefix);

    await cache.set('k', 'v', 30_000);

    expect(await client.get(`${prefix}k`)).toBe('v');
    const ttl = await client.pttl(`${prefix}k`);
    expect(ttl).toBeGreaterThan(25_000);
    expect(ttl).toBeLessThanOrEqual(30_000);
    await removeKeys(prefix);
  });
});
