import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';

/** The shape express-rate-limit expects of a store (kept structural, so no HTTP library is imported here). */
export interface RateLimitCounter {
  readonly totalHits: number;
  readonly resetTime: Date | undefined;
}

// One round trip: count the hits (ARGV[2], 1 when absent) and start the window with the first ones.
const INCREMENT = `
local added = tonumber(ARGV[2] or '1')
local hits = redis.call('INCRBY', KEYS[1], added)
if hits == added then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return { hits, ttl }`;

type RedisWithIncrement = Redis & { rateLimitIncrement(key: string, windowMs: number, hits: number): Promise<[number, number]> };

interface LocalWindow {
  hits: number;
  readonly resetAt: number;
}

/**
 * Fixed-window counters in Redis, shared by every replica. The script is sent
 * by ioredis' `defineCommand` (EVALSHA with a fallback to EVAL), so a Redis
 * that restarts without its script cache keeps working. While Redis is down,
 * each replica counts on its own (bounded LRU): the limit gets looser by the
 * number of replicas, but never disappears.
 */
export class RedisRateLimitStore {
  readonly localKeys = false;
  readonly prefix: string;
  readonly #redis: RedisWithIncrement;
  readonly #onRedisError: (error: Error) => void;
  #windowMs = 60_000;
  #local = new LRUCache<string, LocalWindow>({ max: 100_000 });

  constructor(redis: Redis, prefix: string, onRedisError: (error: Error) => void = () => undefined) {
    if (!('rateLimitIncrement' in redis)) redis.defineCommand('rateLimitIncrement', { numberOfKeys: 1, lua: INCREMENT });
    this.#redis = redis as RedisWithIncrement;
    this.prefix = prefix;
    this.#onRedisError = onRedisError;
  }

  init(options: { windowMs: number }): void {
    this.#windowMs = options.windowMs;
  }

  increment(key: string): Promise<RateLimitCounter> {
    return this.add(key, 1);
  }

  /** Counts `hits` hits at once (a batch counted elsewhere first); the window's total after them. */
  async add(key: string, hits: number): Promise<RateLimitCounter> {
    try {
      const [totalHits, ttlMs] = await this.#redis.rateLimitIncrement(this.prefix + key, this.#windowMs, hits);
      return { totalHits, resetTime: new Date(Date.now() + ttlMs) };
    } catch (error) {
      this.#onRedisError(error as Error);
      return this.#incrementLocally(key, hits);
    }
  }

  /** Counts several keys' hits in one pipelined write; the totals in the same order. */
  async addMany(batch: readonly (readonly [key: string, hits: number])[]): Promise<RateLimitCounter[]> {
    if (batch.length === 0) return [];
    try {
      const pipeline = this.#redis.pipeline() as unknown as { rateLimitIncrement(key: string, windowMs: number, hits: number): void; exec(): Promise<[Error | null, unknown][] | null> };
      for (const [key, hits] of batch) pipeline.rateLimitIncrement(this.prefix + key, this.#windowMs, hits);
      const replies = (await pipeline.exec()) ?? [];
      const now = Date.now();
      return batch.map((_entry, index) => {
        const [error, reply] = replies[index] ?? [new Error('the pipeline answered fewer replies than it was sent'), undefined];
        if (error) throw error;
        const [totalHits, ttlMs] = reply as [number, number];
        return { totalHits, resetTime: new Date(now + ttlMs) };
      });
    } catch (error) {
      this.#onRedisError(error as Error);
      return batch.map(([key, hits]) => this.#incrementLocally(key, hits));
    }
  }

  #incrementLocally(key: string, hits: number): RateLimitCounter {
    const now = Date.now();
    let window = this.#local.get(key);
    if (!window || window.resetAt <= now) {
      window = { hits: 0, resetAt: now + this.#windowMs };
      this.#local.set(key, window, { ttl: this.#windowMs });
    }
    window.hits += hits;
    return { totalHits: window.hits, resetTime: new Date(window.resetAt) };
  }

  async decrement(key: string): Promise<void> {
    await this.#redis.decr(this.prefix + key).catch(() => undefined);
  }

  async resetKey(key: string): Promise<void> {
    this.#local.delete(key);
    await this.#redis.del(this.prefix + key).catch(() => undefined);
  }
}
