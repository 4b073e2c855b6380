import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

export interface BenchRedis {
  readonly url: string;
  /** Every key of this run starts with it, so the run removes exactly its own. */
  readonly keyPrefix: string;
  readonly description: string;
  /** Deletes the run's keys. Idempotent. */
  clean(): Promise<void>;
}

/** REDIS_URL, else the local Redis, when it answers a PING; undefined runs the service without Redis. */
export async function findBenchRedis(env: NodeJS.ProcessEnv): Promise<BenchRedis | undefined> {
  const url = env.REDIS_URL || 'redis://127.0.0.1:6379';
  const keyPrefix = `ordersvc-bench-${randomBytes(4).toString('hex')}:`;
  let version: string;
  try {
    version = await withRedis(url, async (redis) => {
      await redis.ping();
      const info = await redis.info('server');
      return /redis_version:(\S+)/.exec(info)?.[1] ?? '?';
    });
  } catch {
    return undefined;
  }
  let cleaned: Promise<void> | undefined;
  return {
    url,
    keyPrefix,
    description: `Redis ${version} (${new URL(url).host}), keys under ${keyPrefix}`,
    clean() {
      cleaned ??= withRedis(url, async (redis) => {
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 1000);
          if (keys.length > 0) await redis.unlink(...keys);
          cursor = next;
        } while (cursor !== '0');
      });
      return cleaned;
    },
  };
}

async function withRedis<T>(url: string, work: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: 1_000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return await work(redis);
  } finally {
    redis.disconnect();
  }
}
