import type { Redis } from 'ioredis';
import type { Cache } from '../../domain/shared/cache.ts';

/**
 * A `Cache` in Redis, shared by every replica. Keys are stored under
 * `keyPrefix`. The client belongs to the caller, who connects and quits it;
 * give it `enableOfflineQueue: false` and a `commandTimeout` so calls fail
 * fast while Redis is away instead of queueing.
 */
export class RedisCache implements Cache {
  readonly #client: Redis;
  readonly #prefix: string;

  constructor(client: Redis, keyPrefix: string) {
    this.#client = client;
    this.#prefix = keyPrefix;
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.#client.get(this.#prefix + key)) ?? undefined;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.#client.set(this.#prefix + key, value, 'PX', Math.max(1, Math.ceil(ttlMs)));
  }

  async delete(key: string): Promise<void> {
    await this.#client.del(this.#prefix + key);
  }
}
