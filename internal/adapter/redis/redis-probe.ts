import type { Redis } from 'ioredis';
import type { DependencyProbe } from '../../domain/health/dependency-probe.ts';

/** Redis is reported, not required: without it the service degrades (cache bypassed). */
export class RedisProbe implements DependencyProbe {
  readonly name = 'redis';
  readonly critical = false;
  readonly #redis: Redis;

  constructor(redis: Redis) {
    this.#redis = redis;
  }

  async check(signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    const aborted = new Promise<never>((_resolve, reject) => {
      signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
    });
    await Promise.race([this.#redis.ping(), aborted]);
  }
}
