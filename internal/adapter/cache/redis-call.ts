import type { Redis } from 'ioredis';

/** Redis did not answer in time or is not connected; the cache goes around it. */
export class RedisUnavailableError extends Error {
  override readonly name = 'RedisUnavailableError';
}

/**
 * Runs one Redis command, failing fast instead of queueing while the client
 * is not connected, and giving up after `timeoutMs` whatever the client's
 * own options say. A command that times out may still run later; callers
 * only send commands for which that is harmless (reads, version-checked
 * writes, invalidations).
 */
export async function callRedis<R>(client: Redis, timeoutMs: number, command: () => Promise<R>): Promise<R> {
  // 'wait' is a lazyConnect client that has not been asked anything yet: the command connects it.
  if (client.status !== 'ready' && client.status !== 'wait') {
    throw new RedisUnavailableError(`redis connection is ${client.status}`);
  }
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RedisUnavailableError(`redis gave no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([command(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
