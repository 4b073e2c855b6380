import type { Redis } from 'ioredis';
import type { DatabaseHandle } from '../../internal/adapter/postgres/database.ts';
import { PostgresSignInThrottle } from '../../internal/adapter/postgres/postgres-sign-in-throttle.ts';
import { RedisSignInThrottle } from '../../internal/adapter/redis/redis-sign-in-throttle.ts';
import { FallbackSignInThrottle } from '../../internal/adapter/session/fallback-sign-in-throttle.ts';
import type { SignInThrottle, SignInThrottlePolicy } from '../../internal/domain/identity/sign-in-throttle.ts';
import type { AppConfig } from '../../internal/platform/config/config.schema.ts';
import type { Logger } from '../../internal/platform/logger/logger.ts';

export function signInThrottlePolicy(config: AppConfig): SignInThrottlePolicy {
  return {
    freeAttempts: config.auth.signInFreeAttempts,
    baseDelayMs: config.auth.signInDelayBaseMs,
    maxDelayMs: config.auth.signInDelayMaxMs,
    forgetAfterMs: config.auth.signInForgetAfterMs,
  };
}

/** The per-account sign-in limit every replica shares: in Redis when there is one (PostgreSQL while it fails), else in PostgreSQL. */
export function createSignInThrottle(config: AppConfig, logger: Logger, database: DatabaseHandle, redis: Redis | undefined): SignInThrottle {
  const policy = signInThrottlePolicy(config);
  const postgres = new PostgresSignInThrottle(database.db, policy);
  if (!redis) return postgres;
  let lastWarning = -Infinity;
  const warn = (error: unknown) => {
    // One line per outage, not per sign-in.
    if (performance.now() - lastWarning < 30_000) return;
    lastWarning = performance.now();
    logger.warn({ error: error instanceof Error ? error.message : String(error) }, 'sign-in attempts counted in PostgreSQL while Redis is unavailable');
  };
  return new FallbackSignInThrottle(new RedisSignInThrottle(redis, `${config.redis.keyPrefix}signin:`, policy), postgres, warn);
}
