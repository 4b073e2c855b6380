import type { Redis } from 'ioredis';
import { MemoryStore } from 'express-rate-limit';
import { CachedProductRepository } from '../../internal/adapter/cache/cached-product-repository.ts';
import { CachedStockReservations } from '../../internal/adapter/cache/cached-stock-reservations.ts';
import { CachedUserRepository } from '../../internal/adapter/cache/cached-user-repository.ts';
import { Argon2PasswordHasher } from '../../internal/adapter/crypto/argon2-password-hasher.ts';
import type { DatabaseHandle } from '../../internal/adapter/postgres/database.ts';
import type { PostgresEventOutbox } from '../../internal/adapter/postgres/postgres-event-outbox.ts';
import { PostgresCredentialsRepository } from '../../internal/adapter/postgres/postgres-credentials-repository.ts';
import { PostgresOrderRepository } from '../../internal/adapter/postgres/postgres-order-repository.ts';
import { PostgresPasswordResetTokens } from '../../internal/adapter/postgres/postgres-password-reset-tokens.ts';
import { PostgresProductRepository } from '../../internal/adapter/postgres/postgres-product-repository.ts';
import { PostgresStockReservations } from '../../internal/adapter/postgres/postgres-stock-reservations.ts';
import { PostgresUserRepository } from '../../internal/adapter/postgres/postgres-user-repository.ts';
import { BatchedRateLimitStore } from '../../internal/adapter/redis/batched-rate-limit-store.ts';
import { RedisRateLimitStore } from '../../internal/adapter/redis/redis-rate-limit-store.ts';
import { OrderFollowUpJobs } from '../../internal/app/orders/order-follow-up-jobs.ts';
import type { AppConfig } from '../../internal/platform/config/config.schema.ts';
import type { Component } from '../../internal/platform/lifecycle/component.ts';
import type { Logger } from '../../internal/platform/logger/logger.ts';
import { createSessions, sessionStoreSettings } from '../shared/session-store.ts';
import type { AdapterChoices } from './adapter-choices.ts';
import type { createCaches } from './caches.ts';
import type { Jobs } from './jobs.ts';
import { createSignInThrottle } from './sign-in-throttle.ts';

type Caches = ReturnType<typeof createCaches>;

export interface RateLimitStores {
  readonly api: MemoryStore | RedisRateLimitStore | BatchedRateLimitStore;
  readonly auth: MemoryStore | RedisRateLimitStore;
}

/** Redis for the ports whose chosen adapter uses it; undefined for the others (they then use their PostgreSQL or in-process one). */
function redisIf(chosen: boolean, redis: Redis | undefined): Redis | undefined {
  return chosen ? redis : undefined;
}

/** The identity and catalog ports: PostgreSQL repositories behind the entity caches, sessions, sign-in limits, password hashing. */
export function createIdentityAndCatalog(config: AppConfig, logger: Logger, choices: AdapterChoices, database: DatabaseHandle, redis: Redis | undefined, outbox: PostgresEventOutbox, caches: Caches) {
  const pgUsers = new PostgresUserRepository(database.db, outbox);
  return {
    /** Uncached: sessions take their roles from this read, never from a cache. */
    pgUsers,
    users: new CachedUserRepository(pgUsers, caches.users),
    products: new CachedProductRepository(new PostgresProductRepository(database.db, outbox), caches.products),
    credentials: new PostgresCredentialsRepository(database.db, outbox),
    sessions: createSessions(sessionStoreSettings(config), database.db, redisIf(choices.sessions !== 'postgres', redis)),
    signInThrottle: createSignInThrottle(config, logger, database, redisIf(choices.signInThrottle !== 'postgres', redis)),
    passwordResets: new PostgresPasswordResetTokens(database.db),
    hasher: new Argon2PasswordHasher({ maxConcurrent: config.auth.hashConcurrency, maxQueued: config.auth.hashQueue }),
  };
}

/** The order ports: an order's follow-ups (the confirmation of a paid one, its integration events) are written by the statement of its change: both or neither. */
export function createOrderStores(database: DatabaseHandle, jobQueue: Jobs, outbox: PostgresEventOutbox, caches: Caches) {
  return {
    orders: new PostgresOrderRepository(database.db, {
      statementFollowUps: new OrderFollowUpJobs({ enqueueInTransaction: jobQueue.enqueueInStatement }, outbox.inStatement),
      outbox,
    }),
    reservations: new CachedStockReservations(new PostgresStockReservations(database.db), caches.products),
  };
}

/**
 * The counters of the API and sign-in rate limits, shared by REST and gRPC (one budget per caller).
 * A component: batched API hits still pending are flushed to Redis when it stops.
 */
export function createRateLimits(config: AppConfig, logger: Logger, choices: AdapterChoices, redis: Redis | undefined): { stores: RateLimitStores; component: Component } {
  const name = 'rate-limit counts';
  if (choices.rateLimits === 'in-process' || !redis) return { stores: { api: new MemoryStore(), auth: new MemoryStore() }, component: { name, stop: () => undefined } };
  const onRedisError = oncePer(30_000, (error: Error) => logger.warn({ error: error.message }, 'rate limits counted per instance while Redis is unavailable'));
  const shared = (counter: string) => new RedisRateLimitStore(redis, `${config.redis.keyPrefix}rl:${counter}:`, onRedisError);
  // API hits far from the limit reach Redis in batches; every sign-in attempt does at once.
  const batched = choices.rateLimits === 'redis, api hits batched' ? new BatchedRateLimitStore(shared('api'), { syncIntervalMs: config.rateLimit.apiSyncIntervalMs }) : undefined;
  return { stores: { api: batched ?? shared('api'), auth: shared('auth') }, component: { name, stop: () => batched?.close() } };
}

/** Calls `fn` at most once per interval (a log line per outage, not per request). */
function oncePer<A extends unknown[]>(intervalMs: number, fn: (...args: A) => void): (...args: A) => void {
  let last = -Infinity;
  return (...args) => {
    const now = performance.now();
    if (now - last < intervalMs) return;
    last = now;
    fn(...args);
  };
}
