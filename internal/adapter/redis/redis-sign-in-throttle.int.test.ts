import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, inject } from 'vitest';
import { CONTRACT_POLICY, describeSignInThrottleContract } from '../../../test/contracts/sign-in-throttle.contract.ts';
import { RedisSignInThrottle } from './redis-sign-in-throttle.ts';

const redisUrl = inject('redisUrl');
const prefix = `test:signin:${randomUUID()}:`;

describe.runIf(redisUrl)('RedisSignInThrottle', () => {
  let client: Redis;

  beforeAll(() => {
    client = new Redis(redisUrl, { maxRetriesPerRequest: 1, commandTimeout: 2_000 });
  });

  afterAll(async () => {
    const keys = await client.keys(`${prefix}*`);
    if (keys.length > 0) await client.del(...keys);
    await client?.quit();
  });

  describeSignInThrottleContract('Redis', () => new RedisSignInThrottle(client, prefix, CONTRACT_POLICY));
});
