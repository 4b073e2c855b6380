import type { Kysely } from 'kysely';
import type { Redis } from 'ioredis';
import { PostgresSessionStore } from '../../internal/adapter/postgres/postgres-session-store.ts';
import type { Database } from '../../internal/adapter/postgres/database.ts';
import { RedisSessionStore } from '../../internal/adapter/redis/redis-session-store.ts';
import { FallbackSessionStore } from '../../internal/adapter/session/fallback-session-store.ts';
import type { SessionStore } from '../../internal/domain/identity/session-store.ts';
import type { AppConfig } from '../../internal/platform/config/config.schema.ts';

export interface SessionStoreSettings {
  readonly idleTtlMs: number;
  readonly absoluteTtlMs: number;
  /** Prefix of every session key in Redis. */
  readonly redisKeyPrefix: string;
  /** With Redis: also write sessions to PostgreSQL and read them there while Redis is unavailable. */
  readonly postgresFallback: boolean;
}

/** The session settings of a configuration. */
export function sessionStoreSettings(config: AppConfig): SessionStoreSettings {
  return {
    idleTtlMs: config.auth.sessionIdleTtlMs,
    absoluteTtlMs: config.auth.sessionAbsoluteTtlMs,
    redisKeyPrefix: config.redis.keyPrefix,
    postgresFallback: config.auth.sessionFallback === 'postgres',
  };
}

/**
 * The one place that decides where sessions live, so the server and the
 * commands that revoke sessions always use the same store: Redis when a
 * client is given (optionally backed by PostgreSQL), PostgreSQL otherwise.
 */
export function createSessionStore(settings: SessionStoreSettings, db: Kysely<Database>, redis: Redis | undefined): SessionStore {
  const postgres = new PostgresSessionStore(db, { idleTtlMs: settings.idleTtlMs });
  if (!redis) return postgres;
  const primary = new RedisSessionStore(redis, { keyPrefix: settings.redisKeyPrefix, idleTtlMs: settings.idleTtlMs });
  return settings.postgresFallback ? new FallbackSessionStore(primary, postgres, { idleTtlMs: settings.idleTtlMs }) : primary;
}
