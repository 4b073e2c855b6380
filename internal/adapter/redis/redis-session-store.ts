import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Context } from '../../domain/shared/context.ts';
import { DependencyUnavailableError } from '../../domain/shared/domain-error.ts';
import type { NewSession, Session } from '../../domain/identity/session.ts';
import type { SessionStore } from '../../domain/identity/session-store.ts';
import type { Role } from '../../domain/user/user.ts';

interface LuaScript {
  readonly source: string;
  readonly sha1: string;
}

function script(source: string): LuaScript {
  return { source, sha1: createHash('sha1').update(source).digest('hex') };
}

// KEYS: session, user set. ARGV: value, ttl ms, session id, set ttl ms, session key prefix.
// Members whose session has expired are dropped on the way, so the set stays
// as small as the user's live sessions.
const CREATE = script(`
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
for _, member in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  if redis.call('EXISTS', ARGV[5] .. member) == 0 then redis.call('SREM', KEYS[2], member) end
end
redis.call('SADD', KEYS[2], ARGV[3])
if redis.call('PTTL', KEYS[2]) < tonumber(ARGV[4]) then redis.call('PEXPIRE', KEYS[2], ARGV[4]) end
return 1`);

// KEYS: session. ARGV: now ms, idle ttl ms. Reads and slides in one round trip.
const FIND = script(`
local raw = redis.call('GET', KEYS[1])
if not raw then return nil end
local ttl = math.floor(math.min(tonumber(ARGV[2]), cjson.decode(raw).absoluteExpiresAt - tonumber(ARGV[1])))
if ttl <= 0 then
  redis.call('DEL', KEYS[1])
  return nil
end
redis.call('PEXPIRE', KEYS[1], ttl)
return {raw, ttl}`);

// KEYS: user set. ARGV: session key prefix.
const REVOKE_ALL = script(`
local members = redis.call('SMEMBERS', KEYS[1])
for _, member in ipairs(members) do redis.call('DEL', ARGV[1] .. member) end
redis.call('DEL', KEYS[1])
return #members`);

interface StoredSession {
  readonly userId: string;
  readonly roles: readonly Role[];
  readonly createdAt: number;
  readonly absoluteExpiresAt: number;
}

/**
 * Sessions in Redis: `<prefix>session:<id>` holds the session as JSON with a
 * TTL that is the idle TTL, capped by the absolute expiry, so Redis itself
 * forgets expired sessions; `<prefix>user-sessions:<userId>` is the set of a
 * user's session ids for `revokeAllForUser`. Each operation is one Lua script
 * (one round trip, atomic on one Redis). The scripts build session keys from
 * set members, so this needs a single Redis (with replicas or Sentinel if you
 * like), not Redis Cluster, and a client without ioredis' own `keyPrefix`.
 * Give the client `enableOfflineQueue: false` and a `commandTimeout` so calls
 * fail fast while Redis is away; such failures surface as
 * `DependencyUnavailableError('redis')`.
 */
export class RedisSessionStore implements SessionStore {
  readonly #client: Redis;
  readonly #prefix: string;
  readonly #idleTtlMs: number;
  readonly #now: () => Date;

  constructor(client: Redis, options: { keyPrefix: string; idleTtlMs: number; now?: () => Date }) {
    this.#client = client;
    this.#prefix = options.keyPrefix;
    this.#idleTtlMs = options.idleTtlMs;
    this.#now = options.now ?? (() => new Date());
  }

  async create(ctx: Context, session: NewSession): Promise<void> {
    const now = this.#now().getTime();
    const ttl = Math.min(session.expiresAt.getTime(), session.absoluteExpiresAt.getTime()) - now;
    if (ttl <= 0) return;
    const stored: StoredSession = {
      userId: session.userId,
      roles: session.roles,
      createdAt: session.createdAt.getTime(),
      absoluteExpiresAt: session.absoluteExpiresAt.getTime(),
    };
    // The set lives as long as the longest-lived session in it.
    const setTtl = session.absoluteExpiresAt.getTime() - now;
    const keys = [this.#sessionKey(session.id), this.#userKey(session.userId)];
    await this.#run(ctx, CREATE, keys, [JSON.stringify(stored), ttl, session.id, setTtl, this.#sessionKey('')]);
  }

  async find(ctx: Context, id: string): Promise<Session | undefined> {
    const now = this.#now().getTime();
    const reply = (await this.#run(ctx, FIND, [this.#sessionKey(id)], [now, this.#idleTtlMs])) as [string, number] | null;
    if (!reply) return undefined;
    const [raw, ttl] = reply;
    const stored = JSON.parse(raw) as StoredSession;
    return {
      id,
      userId: stored.userId,
      roles: [...stored.roles],
      createdAt: new Date(stored.createdAt),
      expiresAt: new Date(now + ttl),
      absoluteExpiresAt: new Date(stored.absoluteExpiresAt),
    };
  }

  // The id stays in the user's set until the next login prunes it; revoking
  // all of a user's sessions deletes keys that may already be gone, harmlessly.
  async revoke(ctx: Context, id: string): Promise<void> {
    await this.#call(ctx, () => this.#client.del(this.#sessionKey(id)));
  }

  async revokeAllForUser(ctx: Context, userId: string): Promise<void> {
    await this.#run(ctx, REVOKE_ALL, [this.#userKey(userId)], [this.#sessionKey('')]);
  }

  #sessionKey(id: string): string {
    return `${this.#prefix}session:${id}`;
  }

  #userKey(userId: string): string {
    return `${this.#prefix}user-sessions:${userId}`;
  }

  // EVALSHA first; a Redis that restarted or flushed its script cache answers
  // NOSCRIPT once, and EVAL loads the script again.
  #run(ctx: Context, lua: LuaScript, keys: string[], args: (string | number)[]): Promise<unknown> {
    return this.#call(ctx, async () => {
      try {
        return await this.#client.evalsha(lua.sha1, keys.length, ...keys, ...args);
      } catch (error) {
        if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
        return this.#client.eval(lua.source, keys.length, ...keys, ...args);
      }
    });
  }

  // ioredis takes no AbortSignal: the caller stops waiting, the command (short,
  // idempotent) may still complete.
  async #call<T>(ctx: Context, command: () => Promise<T>): Promise<T> {
    ctx.signal.throwIfAborted();
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(ctx.signal.reason as Error);
      ctx.signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([command(), aborted]);
    } catch (error) {
      if (ctx.signal.aborted && error === ctx.signal.reason) throw error;
      throw translateRedisError(error);
    } finally {
      if (onAbort) ctx.signal.removeEventListener('abort', onAbort);
    }
  }
}


// Not connected, no answer in time, the socket broke, or the server cannot
// serve right now (loading its dataset, busy script, failing over).
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE', 'ECONNABORTED']);
const UNAVAILABLE_MESSAGES = [
  /^Command timed out/,
  /^Stream isn't writeable/,
  /^Connection is closed/,
  /max retries per request/i,
  /^(LOADING|BUSY|MASTERDOWN|READONLY|TRYAGAIN|CLUSTERDOWN|NOREPLICAS)\b/,
  /redis connection is /i,
  /redis gave no answer/i,
];

function translateRedisError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const code = (error as { code?: unknown }).code;
  const unavailable =
    error.name === 'MaxRetriesPerRequestError' ||
    (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) ||
    UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(error.message));
  return unavailable ? new DependencyUnavailableError('redis', { cause: error }) : error;
}
