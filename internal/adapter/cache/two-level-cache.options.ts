import type { Redis } from 'ioredis';
import type { ContextLogger } from '../../domain/shared/context.ts';

export interface TwoLevelCacheOptions<T> {
  /** The entity kind, for logs and the default key prefix: 'product', 'user'. */
  readonly name: string;
  readonly serialize: (value: T) => string;
  readonly deserialize: (text: string) => T;
  /** The entity's version; it must grow on every committed write. */
  readonly versionOf: (value: T) => number;
  /**
   * The shared level. The caller owns this client (connects it, listens for its
   * 'error' events, quits it after `close()`); the cache duplicates it once for
   * its pub/sub subscriber, which the cache owns. Omit it for a local-only cache.
   */
  readonly redis?: Redis | undefined;
  /** Redis key prefix; include a schema version. Default `cache:<name>:v1:`. */
  readonly keyPrefix?: string | undefined;
  /** Pub/sub channel for invalidations. Default `<keyPrefix>invalidations`. */
  readonly channel?: string | undefined;
  /** Warnings (Redis unavailable) and recovery notes go here. Default: silent. */
  readonly log?: ContextLogger | undefined;
  /** Local level: most entries. Default 10 000. */
  readonly localMaxEntries?: number | undefined;
  /** Local level: memory bound, estimated from string lengths. Default 32 MiB. */
  readonly localMaxBytes?: number | undefined;
  /** Local freshness, the staleness bound across replicas even if invalidations are lost. Default 1 000 ms. */
  readonly localTtlMs?: number | undefined;
  /** Redis freshness of a value. Default 60 000 ms. */
  readonly ttlMs?: number | undefined;
  /** Redis freshness of "not found". Default 5 000 ms. */
  readonly negativeTtlMs?: number | undefined;
  /** How long past freshness a value is kept to be served when the source fails. Default 300 000 ms. */
  readonly staleWindowMs?: number | undefined;
  /** Least time a deletion's tombstone stays in Redis (longer than any load). Default 60 000 ms. */
  readonly tombstoneTtlMs?: number | undefined;
  /** Relative TTL jitter: Redis TTLs vary by ±jitter, local TTLs shrink by up to jitter. Default 0.15. */
  readonly jitter?: number | undefined;
  /** Longest wait for one Redis command before going around Redis. Default 250 ms. */
  readonly redisTimeoutMs?: number | undefined;
  /** At most one "Redis unavailable" warning per this interval. Default 30 000 ms. */
  readonly warnIntervalMs?: number | undefined;
  /** Writes that missed Redis, replayed when it answers again. Default 10 000. */
  readonly maxPendingRepairs?: number | undefined;
  /** Read before every get: while true, reads go straight to the loader (a kill switch). Writes still invalidate. */
  readonly bypass?: (() => boolean) | undefined;
}

export type ResolvedOptions<T> = Required<Omit<TwoLevelCacheOptions<T>, 'redis' | 'bypass'>> & Pick<TwoLevelCacheOptions<T>, 'redis' | 'bypass'>;

/** Counters since construction. */
export interface TwoLevelCacheStats {
  readonly hitsLocal: number;
  readonly hitsRedis: number;
  /** `get` calls answered by a load (or a stale value after a failed load). */
  readonly misses: number;
  /** Calls of `load` (single-flight: far fewer than misses under a stampede). */
  readonly loads: number;
  readonly staleServed: number;
  readonly redisErrors: number;
  readonly invalidationsReceived: number;
  /** Subscriptions confirmed (the first one and every one after a reconnect); each clears the local level. */
  readonly resyncs: number;
  readonly pendingRepairs: number;
  readonly localEntries: number;
  /** Lookups running now (single-flight entries); 0 when idle. */
  readonly flights: number;
}

const silent: ContextLogger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

export function resolveOptions<T>(options: TwoLevelCacheOptions<T>): ResolvedOptions<T> {
  const keyPrefix = options.keyPrefix ?? `cache:${options.name}:v1:`;
  const resolved: ResolvedOptions<T> = {
    name: options.name,
    serialize: options.serialize,
    deserialize: options.deserialize,
    versionOf: options.versionOf,
    redis: options.redis,
    bypass: options.bypass,
    keyPrefix,
    channel: options.channel ?? `${keyPrefix}invalidations`,
    log: options.log ?? silent,
    localMaxEntries: options.localMaxEntries ?? 10_000,
    localMaxBytes: options.localMaxBytes ?? 32 * 1024 * 1024,
    localTtlMs: options.localTtlMs ?? 1_000,
    ttlMs: options.ttlMs ?? 60_000,
    negativeTtlMs: options.negativeTtlMs ?? 5_000,
    staleWindowMs: options.staleWindowMs ?? 300_000,
    tombstoneTtlMs: options.tombstoneTtlMs ?? 60_000,
    jitter: options.jitter ?? 0.15,
    redisTimeoutMs: options.redisTimeoutMs ?? 250,
    warnIntervalMs: options.warnIntervalMs ?? 30_000,
    maxPendingRepairs: options.maxPendingRepairs ?? 10_000,
  };
  for (const key of ['localMaxEntries', 'localMaxBytes', 'localTtlMs', 'ttlMs', 'negativeTtlMs', 'redisTimeoutMs'] as const) {
    if (!(resolved[key] > 0)) throw new RangeError(`TwoLevelCache ${options.name}: ${key} must be > 0`);
  }
  if (!(resolved.jitter >= 0 && resolved.jitter < 1)) throw new RangeError(`TwoLevelCache ${options.name}: jitter must be in [0, 1)`);
  if (resolved.staleWindowMs < 0 || resolved.tombstoneTtlMs < 0) throw new RangeError(`TwoLevelCache ${options.name}: windows must be >= 0`);
  return resolved;
}

/** `ms` moved by up to ±jitter, so entries written together do not expire together. */
export function spread(ms: number, jitter: number): number {
  return Math.max(1, Math.round(ms * (1 + jitter * (2 * Math.random() - 1))));
}

/** `ms` shortened by up to jitter: spread out, yet never past the bound `ms` promises. */
export function shorten(ms: number, jitter: number): number {
  return Math.max(1, Math.round(ms * (1 - jitter * Math.random())));
}
