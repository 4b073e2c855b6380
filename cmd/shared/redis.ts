import { Redis } from 'ioredis';
import type { AppConfig } from '../../internal/platform/config/config.schema.ts';
import type { Logger } from '../../internal/platform/logger/logger.ts';

/**
 * The one Redis client of a process, or undefined without REDIS_URL. Commands
 * fail fast while Redis is away (no offline queue, a command timeout) so that
 * callers degrade instead of piling up; ioredis reconnects in the background.
 */
export async function openRedis(config: AppConfig, logger: Logger): Promise<Redis | undefined> {
  if (config.redis.url === '') return undefined;
  const redis = new Redis(config.redis.url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: config.redis.commandTimeoutMs,
    connectTimeout: 2_000,
    retryStrategy: (attempt) => Math.min(100 * 2 ** attempt, 2_000),
    // Commands issued in the same event-loop turn (a request's session read, cache writes and
    // invalidations, other requests') leave in one socket write instead of one write each.
    enableAutoPipelining: true,
  });
  let down = false;
  redis.on('error', (error: Error) => {
    if (!down) logger.warn({ error: error.message }, 'redis unavailable; degrading until it returns');
    down = true;
  });
  redis.on('ready', () => {
    if (down) logger.info('redis available again');
    down = false;
  });
  try {
    await redis.connect();
  } catch (error) {
    logger.warn({ error: (error as Error).message }, 'redis unavailable at start; continuing without it until it answers');
  }
  return redis;
}
