import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { RateLimiter, type RateLimiterOptions } from './rate-limiter.ts';

const redisUrl = inject('redisUrl');
const never = new AbortController().signal;

// Bottleneck's ioredis datastore, with the ioredis 6 this project uses.
describe.runIf(redisUrl)('RateLimiter (Redis, cluster-wide)', () => {
  let client: Redis;
  const limiters: RateLimiter[] = [];

  beforeAll(() => {
    client = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  });

  afterEach(async () => {
    await Promise.all(limiters.splice(0).map((l) => l.stop()));
  });

  afterAll(async () => {
    await client.quit();
  });

  function limiter(options: Partial<RateLimiterOptions> & { id: string }): RateLimiter {
    const created = new RateLimiter({ maxRequests: 4, intervalMs: 1_000, minTimeMs: 0, redis: client, ...options });
    limiters.push(created);
    return created;
  }

  it('when two replicas share an id, then they share one quota', async () => {
    const id = `test:rate-limit:${randomUUID()}`;
    const [a, b] = [limiter({ id }), limiter({ id })];
    await Promise.all([a.ready(), b.ready()]);

    const first = await Promise.all([a.acquire(never), a.acquire(never), b.acquire(never), b.acquire(never)]);
    const fifth = await b.acquire(never);

    expect(Math.max(...first)).toBeLessThan(300);
    expect(fifth).toBeGreaterThanOrEqual(400);
    expect(await client.exists(`b_${id}_settings`)).toBe(1);
  });

  it('when replicas use other ids, then their quotas are separate', async () => {
    const [a, b] = [limiter({ id: `test:rate-limit:${randomUUID()}` }), limiter({ id: `test:rate-limit:${randomUUID()}` })];
    await Promise.all([a.ready(), b.ready()]);
    await Promise.all([a.acquire(never), a.acquire(never), a.acquire(never), a.acquire(never)]);

    const waits = await Promise.all([b.acquire(never), b.acquire(never), b.acquire(never), b.acquire(never)]);

    expect(Math.max(...waits)).toBeLessThan(300);
  });

  it('when Redis cannot be reached, then it limits locally and reports the problem', async () => {
    const unreachable = new Redis('redis://127.0.0.1:1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => 50 });
    unreachable.on('error', () => undefined);
    const errors: unknown[] = [];
    const l = new RateLimiter({ maxRequests: 2, intervalMs: 60_000, minTimeMs: 0, redis: unreachable, id: 'unreachable', onError: (e) => errors.push(e) });
    limiters.push(l);

    const waits = await Promise.all([l.acquire(never), l.acquire(never)]);
    const controller = new AbortController();
    const third = l.acquire(controller.signal);
    controller.abort(new Error('deadline'));

    expect(Math.max(...waits)).toBeLessThan(300);
    await expect(third).rejects.toThrow('deadline');
    await expect.poll(() => errors.length).toBeGreaterThan(0);
    unreachable.disconnect();
  });
});
