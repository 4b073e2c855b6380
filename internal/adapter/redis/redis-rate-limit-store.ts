import type { Redis } from 'ioredis';

/** The shape express-rate-limit expects of a store (kept structural, so no HTTP library is imported here). */
export interface RateLimitCounter {
  readonly totalHits: number;
  readonly resetTime: Date | undefined;
}

// One round trip: count the hit and start the window on the first one.
const INCREMENT = `
local hits = redis.call('INCR', KEYS[1])
if hits == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return { hits, ttl }`;

type RedisWithIncrement = Redis & { rateLimitIncrement(key: string, windowMs: number): Promise<[number, number]> };

/**
 * Fixed-window counters in Redis, shared by every replica. The script is sent
 * by ioredis' `defineCommand` (EVALSHA with a fallback to EVAL), so a Redis
 * that restarts without its script cache keeps working; when Redis is down the
 * calls fail fast and the limiter lets the request through.
 */
export class RedisRateLimitStore {
  readonly localKeys = false;
  readonly prefix: string;
  readonly #redis: RedisWithIncrement;
  #windowMs = 60_000;

  constructor(redis: Redis, prefix: string) {
    if (!('rateLimitIncrement' in redis)) redis.defineCommand('rateLimitIncrement', { numberOfKeys: 1, lua: INCREMENT });
    this.#redis = redis as RedisWithIncrement;
    this.prefix = prefix;
  }

  init(options: { windowMs: number }): void {
    this.#windowMs = options.windowMs;
  }

  async increment(key: string): Promise<RateLimitCounter> {
    const [totalHits, ttlMs] = await this.#redis.rateLimitIncrement(this.prefix + key, this.#windowMs);
    return { totalHits, resetTime: new Date(Date.now() + ttlMs) };
  }

  async decrement(key: string): Promise<void> {
    await this.#redis.decr(this.prefix + key);
  }

  async resetKey(key: string): Promise<void> {
    await this.#redis.del(this.prefix + key);
  }
}
