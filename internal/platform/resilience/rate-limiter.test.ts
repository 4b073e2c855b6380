import { afterEach, describe, expect, it } from 'vitest';
import { RateLimiter, type RateLimiterOptions } from './rate-limiter.ts';

const limiters: RateLimiter[] = [];

function limiter(overrides: Partial<RateLimiterOptions> = {}): RateLimiter {
  const created = new RateLimiter({ maxRequests: 3, intervalMs: 300, minTimeMs: 0, id: 'test', ...overrides });
  limiters.push(created);
  return created;
}

const never = new AbortController().signal;

afterEach(async () => {
  await Promise.all(limiters.splice(0).map((l) => l.stop()));
});

describe('RateLimiter (local)', () => {
  it('when the quota of the interval is not used up, then requests go at once', async () => {
    const l = limiter();

    const waits = await Promise.all([l.acquire(never), l.acquire(never), l.acquire(never)]);

    expect(Math.max(...waits)).toBeLessThan(100);
  });

  it('when the quota is used up, then the next request waits for the next interval', async () => {
    const l = limiter();
    await Promise.all([l.acquire(never), l.acquire(never), l.acquire(never)]);

    const waited = await l.acquire(never);

    expect(waited).toBeGreaterThanOrEqual(150);
    expect(waited).toBeLessThan(1_000);
  });

  it('when minTime is set, then requests are spaced by it', async () => {
    const l = limiter({ maxRequests: 100, minTimeMs: 60 });
    const startedAt = performance.now();

    await Promise.all([l.acquire(never), l.acquire(never), l.acquire(never)]);

    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(110);
  });

  it('when the caller aborts while waiting, then it leaves at once with the caller reason', async () => {
    const l = limiter({ maxRequests: 1, intervalMs: 60_000 });
    await l.acquire(never);
    const controller = new AbortController();
    const waiting = l.acquire(controller.signal);

    controller.abort(new Error('deadline'));

    await expect(waiting).rejects.toThrow('deadline');
  });

  it('when stopped, then waiting requests are dropped and stop returns', async () => {
    const l = limiter({ maxRequests: 1, intervalMs: 60_000 });
    await l.acquire(never);
    const dropped = expect(l.acquire(never)).rejects.toThrow('stopped');

    await l.stop();

    await dropped;
  });

  it.each<Partial<RateLimiterOptions>>([{ maxRequests: 0 }, { intervalMs: 0 }, { minTimeMs: -1 }])('when built with %o, then it refuses', (overrides) => {
    expect(() => new RateLimiter({ maxRequests: 3, intervalMs: 300, minTimeMs: 0, id: 'test', ...overrides })).toThrow(RangeError);
  });
});
