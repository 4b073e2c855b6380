import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { callRedis } from './redis-call.ts';

/** What the cache keeps per id: a serialized value or "absent", with the version it was read at. */
export interface StoredEntry {
  readonly version: number;
  /** Epoch ms until which the entry may be served without asking the source. */
  readonly freshUntil: number;
  /** The serialized value; `undefined` records that the entity does not exist. */
  readonly text: string | undefined;
}

/** The version of a "not found" the source reported: older than any stored value. */
export const ABSENT_VERSION = -1;
/** The version of a deletion: newer than any value, so no late reader can bring the entity back. */
export const TOMBSTONE_VERSION = Number.MAX_SAFE_INTEGER;

// One hash per id: v = version, f = freshUntil, d = data, a = '1' when absent.
// Writes only when the incoming version is not older than the stored one.
// "Absent" over "absent" keeps the higher version (a tombstone stays a
// tombstone) and never shortens the remaining ttl.
const VERSIONED_WRITE = `
local current = redis.call('HMGET', KEYS[1], 'v', 'a')
local version = ARGV[1]
local ttl = tonumber(ARGV[5])
if current[1] then
  local stored = tonumber(current[1])
  local incoming = tonumber(ARGV[1])
  if ARGV[4] == '1' and current[2] == '1' then
    if stored > incoming then version = current[1] end
    local left = redis.call('PTTL', KEYS[1])
    if left > ttl then ttl = left end
  elseif stored > incoming then
    return 0
  end
end
redis.call('DEL', KEYS[1])
if ARGV[4] == '1' then
  redis.call('HSET', KEYS[1], 'v', version, 'f', ARGV[2], 'a', '1')
else
  redis.call('HSET', KEYS[1], 'v', version, 'f', ARGV[2], 'd', ARGV[3])
end
redis.call('PEXPIRE', KEYS[1], ttl)
return 1
`;
const VERSIONED_WRITE_SHA = createHash('sha1').update(VERSIONED_WRITE).digest('hex');

/**
 * Versioned entries in Redis under a key prefix, written by a Lua script that
 * refuses to replace a newer version with an older one. Every call fails fast
 * (see `callRedis`); the client belongs to the caller.
 */
export class VersionedRedisStore {
  readonly #client: Redis;
  readonly #prefix: string;
  readonly #timeoutMs: number;

  constructor(client: Redis, options: { readonly keyPrefix: string; readonly timeoutMs: number }) {
    this.#client = client;
    this.#prefix = options.keyPrefix;
    this.#timeoutMs = options.timeoutMs;
  }

  async read(id: string): Promise<StoredEntry | undefined> {
    const [version, freshUntil, absent, data] = await callRedis(this.#client, this.#timeoutMs, () =>
      this.#client.hmget(this.#prefix + id, 'v', 'f', 'a', 'd'),
    );
    if (version == null || freshUntil == null) return undefined;
    if (absent !== '1' && data == null) return undefined;
    return { version: Number(version), freshUntil: Number(freshUntil), text: absent === '1' ? undefined : (data ?? undefined) };
  }

  /** Stores `entry` for `ttlMs` unless Redis holds a newer version; returns whether it was stored. */
  async write(id: string, entry: StoredEntry, ttlMs: number): Promise<boolean> {
    const args = [
      String(entry.version),
      String(Math.round(entry.freshUntil)),
      entry.text ?? '',
      entry.text === undefined ? '1' : '0',
      String(Math.max(1, Math.ceil(ttlMs))),
    ];
    const stored = await callRedis(this.#client, this.#timeoutMs, () => this.#runWrite(this.#prefix + id, args));
    return stored === 1;
  }

  async #runWrite(key: string, args: string[]): Promise<unknown> {
    try {
      return await this.#client.evalsha(VERSIONED_WRITE_SHA, 1, key, ...args);
    } catch (error) {
      // The script cache is empty after a Redis restart or failover: send the source once.
      if (error instanceof Error && error.message.startsWith('NOSCRIPT')) return this.#client.eval(VERSIONED_WRITE, 1, key, ...args);
      throw error;
    }
  }
}
