import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { RateLimiter, type RateLimiterOptions } from './rate-limiter.ts';

const redisUrl = inject('redisUrl');
const never = new AbortController().signal;

// Leases of a quota kept in Redis, each replica spending its own in a Bottleneck.
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

  // Keeps `concurrency` calls waiting on the limiter until `deadline`; counts those that got through before it.
  async function drive(l: RateLimiter, concurrency: number, deadline: number): Promise<number> {
    let passed = 0;
    const stop = new AbortController();
    const timer = setTimeout(() => stop.abort(new Error('measured window over')), deadline - performance.now());
    const loop = async () => {
      while (!stop.signal.aborted) {
        try {
          await l.acquire(stop.signal);
        } catch {
          return;
        }
        if (performance.now() <= deadline) passed++;
      }
    };
    await Promise.all(Array.from({ length: concurrency }, loop));
    clearTimeout(timer);
    return passed;
  }

  it('when two replicas share an id, then together they are allowed N calls per second, measured over 5 s within 10%', async () => {
    const id = `test:rate-limit:${randomUUID()}`;
    const perSecond = 100;
    const [a, b] = [limiter({ id, maxRequests: perSecond }), limiter({ id, maxRequests: perSecond })];
    await Promise.all([a.ready(), b.ready()]);

    const deadline = performance.now() + 5_000;
    const [fromA, fromB] = await Promise.all([drive(a, 40, deadline), drive(b, 40, deadline)]);

    const total = fromA + fromB;
    expect(total).toBeGreaterThanOrEqual(5 * perSecond * 0.9);
    expect(total).toBeLessThanOrEqual(5 * perSecond * 1.1);
    // Both replicas get a fair part of the quota, not one of them all of it.
    expect(Math.min(fromA, fromB)).toBeGreaterThan(total * 0.3);
  }, 15_000);

  it('when calls go through a shared limiter, then they cost no Redis round trip each: leases are taken per tick', async () => {
    const id = `test:rate-limit:${randomUUID()}`;
    const monitor = await client.monitor();
    const leaseCalls: string[][] = [];
    monitor.on('monitor', (_time: string, args: string[]) => {
      // Commands a script runs are shown too; the round trips are the EVAL/EVALSHA calls.
      if (/^eval/i.test(args[0] ?? '') && args.some((arg) => arg.includes(id))) leaseCalls.push(args);
    });
    const l = limiter({ id, maxRequests: 1_000 });
    await l.ready();

    const deadline = performance.now() + 1_000;
    const calls = await drive(l, 20, deadline);
    monitor.disconnect();

    // Bottleneck itself, not the quota, bounds the rate of one process here (tens to hundreds per second on a busy machine).
    expect(calls).toBeGreaterThan(30);
    // At most one lease per 100 ms tick (and the first one at once), far fewer than the calls.
    expect(leaseCalls.length).toBeGreaterThan(0);
    expect(leaseCalls.length).toBeLessThan(15);
    expect(leaseCalls.length).toBeLessThan(calls / 2);
  });

  it('when replicas use other ids, then their quotas are separate', async () => {
    const [a, b] = [limiter({ id: `test:rate-limit:${randomUUID()}`, maxRequests: 10 }), limiter({ id: `test:rate-limit:${randomUUID()}`, maxRequests: 10 })];
    await Promise.all([a.ready(), b.ready()]);
    const saturated = drive(a, 30, performance.now() + 1_000);

    const waits = await Promise.all([b.acquire(never), b.acquire(never)]);

    expect(Math.max(...waits)).toBeLessThan(300);
    await saturated;
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
