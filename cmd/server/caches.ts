import type { Redis } from 'ioredis';
import { deserializeEntity, serializeEntity } from '../../internal/adapter/cache/entity-codec.ts';
import { TwoLevelCache } from '../../internal/adapter/cache/two-level-cache.ts';
import type { Product } from '../../internal/domain/product/product.ts';
import type { User } from '../../internal/domain/user/user.ts';
import type { AppConfig } from '../../internal/platform/config/config.schema.ts';
import type { Logger } from '../../internal/platform/logger/logger.ts';

/**
 * The read-through caches of single users and products (local LRU in front of Redis when configured).
 * While `bypass()` is true (the `cache.bypass` kill switch) reads go straight to PostgreSQL.
 */
export function createCaches(config: AppConfig, logger: Logger, redis: Redis | undefined, bypass?: () => boolean) {
  const common = {
    ...(redis ? { redis } : {}),
    bypass,
    log: logger,
    ttlMs: config.cache.ttlMs,
    localTtlMs: config.cache.localTtlMs,
    localMaxEntries: config.cache.localMaxEntries,
    negativeTtlMs: config.cache.negativeTtlMs,
    staleWindowMs: config.cache.staleWindowMs,
    redisTimeoutMs: config.redis.commandTimeoutMs,
  };
  // Entities carry a version that grows on every write; the cache keys on it.
  const cacheOf = <T extends { version: number; createdAt: Date; updatedAt: Date }>(name: string) =>
    new TwoLevelCache<T>({
      ...common,
      name,
      keyPrefix: `${config.redis.keyPrefix}cache:${name}:v1:`,
      versionOf: (entity) => entity.version,
      serialize: serializeEntity,
      deserialize: (text) => deserializeEntity<T>(text),
    });
  return { users: cacheOf<User>('user'), products: cacheOf<Product>('product') };
}
