import type { Kysely } from 'kysely';
import type { Redis } from 'ioredis';
import { PostgresSessionStore } from '../../internal/adapter/postgres/postgres-session-store.ts';
import type { Database } from '../../internal/adapter/postgres/database.ts';
import { RedisSessionStore } from '../../internal/adapter/redis/redis-session-store.ts';
import { CachedSessionStore } from '../../internal/adapter/session/cached-session-store.ts';
import type { SessionStore } from '../../internal/domain/identity/session-store.ts';
import type { AppConfig } from '../../internal/platform/config/config.schema.ts';

export interface SessionStoreSettings {
  readonly idleTtlMs: number;
  readonly absoluteTtlMs: number;
  /** Prefix of every session key in Redis. */
  readonly redisKeyPrefix: string;
}

/** The session settings of a configuration. */
export function sessionStoreSettings(config: AppConfig): SessionStoreSettings {
  return {
    idleTtlMs: config.auth.sessionIdleTtlMs,
    absoluteTtlMs: config.auth.sessionAbsoluteTtlMs,
    redisKeyPrefix: config.redis.keyPrefix,
  };
}

export interface Sessions {
  readonly store: SessionStore;
  /** Drops the cached copies of a user's sessions after their record changed elsewhere (nothing without a cache). */
  readonly evictUser: CachedSessionStore['evictUser'];
}

/**
 * The one place that decides where sessions live, so the server and the
 * commands that revoke sessions always use the same store: PostgreSQL is
 * the record, always; with Redis, Redis caches it.
 */
export function createSessions(settings: SessionStoreSettings, db: Kysely<Database>, redis: Redis | undefined): Sessions {
  const record = new PostgresSessionStore(db, { idleTtlMs: settings.idleTtlMs });
  if (!redis) return { store: record, evictUser: () => Promise.resolve() };
  const cache = new RedisSessionStore(redis, { keyPrefix: settings.redisKeyPrefix, idleTtlMs: settings.idleTtlMs });
  const store = new CachedSessionStore(record, cache, { idleTtlMs: settings.idleTtlMs });
  return { store, evictUser: (ctx, userId) => store.evictUser(ctx, userId) };
}

/** The session store alone (commands that only revoke). */
export function createSessionStore(settings: SessionStoreSettings, db: Kysely<Database>, redis: Redis | undefined): SessionStore {
  return createSessions(settings, db, redis).store;
}
