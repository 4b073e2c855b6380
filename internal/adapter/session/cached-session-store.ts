import type { Context } from '../../domain/shared/context.ts';
import { DependencyUnavailableError } from '../../domain/shared/domain-error.ts';
import type { NewSession, Session } from '../../domain/identity/session.ts';
import type { SessionStore } from '../../domain/identity/session-store.ts';

export interface CachedSessionStoreOptions {
  /** The stores' idle TTL: the record of a session served from the cache is slid every quarter of it. */
  readonly idleTtlMs: number;
  /** Sessions whose last slide this process remembers (a bounded map); default 10,000. */
  readonly maxTracked?: number;
  /** Least time between two "cache unavailable" warnings; default 10 s. */
  readonly warnIntervalMs?: number;
  readonly now?: () => number;
}

/**
 * Sessions recorded in a durable store (PostgreSQL) and cached in a fast one
 * (Redis), so losing the cache (a restart without persistence, a flush, an
 * outage) logs nobody out.
 *
 * - `create` writes the record first (it must succeed), then the cache.
 * - `find` asks the cache; on a miss, or while the cache is unavailable, the
 *   record answers and (when the cache is reachable) refills it. While the
 *   cache serves a session, its record would expire after one idle TTL, so at
 *   most every quarter of the idle TTL per session (per process) the record
 *   is read too, which slides it.
 * - Revocations end the record, then the cache copy; they fail closed (throw)
 *   when the cache cannot be reached, because a copy left in a Redis that
 *   keeps its data would come back with it.
 */
export class CachedSessionStore implements SessionStore {
  readonly #record: SessionStore;
  readonly #cache: SessionStore;
  readonly #slideEveryMs: number;
  readonly #maxTracked: number;
  readonly #warnIntervalMs: number;
  readonly #now: () => number;
  /** Session id -> when its record was last slid; oldest first. */
  readonly #slidAt = new Map<string, number>();
  #nextWarnAt = 0;

  constructor(record: SessionStore, cache: SessionStore, options: CachedSessionStoreOptions) {
    this.#record = record;
    this.#cache = cache;
    this.#slideEveryMs = options.idleTtlMs / 4;
    this.#maxTracked = options.maxTracked ?? 10_000;
    this.#warnIntervalMs = options.warnIntervalMs ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  async create(ctx: Context, session: NewSession): Promise<void> {
    await this.#record.create(ctx, session);
    this.#markSlid(session.id);
    await this.#fill(ctx, session);
  }

  async find(ctx: Context, id: string): Promise<Session | undefined> {
    let cached: Session | undefined;
    let cacheUp = true;
    try {
      cached = await this.#cache.find(ctx, id);
    } catch (error) {
      if (!(error instanceof DependencyUnavailableError)) throw error;
      cacheUp = false;
      this.#warn(ctx, error, 'the session cache is unavailable: reading sessions from their record');
    }
    if (cached && !this.#dueForSlide(id)) return cached;
    const recorded = await this.#record.find(ctx, id);
    if (!recorded) {
      this.#slidAt.delete(id);
      // Revoked or expired in the record (by another process, say): the cached copy must not outlive it.
      if (cached) await this.#cache.revoke(ctx, id).catch(() => undefined);
      return undefined;
    }
    this.#markSlid(id);
    if (!cached && cacheUp) await this.#fill(ctx, recorded);
    return cached ?? recorded;
  }

  async revoke(ctx: Context, id: string): Promise<void> {
    this.#slidAt.delete(id);
    await this.#record.revoke(ctx, id);
    await this.#cache.revoke(ctx, id);
  }

  async revokeAllForUser(ctx: Context, userId: string): Promise<void> {
    await this.#record.revokeAllForUser(ctx, userId);
    await this.#cache.revokeAllForUser(ctx, userId);
  }

  /** Drops the cached copies of a user's sessions (their record changed elsewhere); the record is untouched. */
  async evictUser(ctx: Context, userId: string): Promise<void> {
    await this.#cache.revokeAllForUser(ctx, userId);
  }

  // The cache is only a copy: failing to fill it costs a record read later, nothing else.
  async #fill(ctx: Context, session: NewSession): Promise<void> {
    try {
      await this.#cache.create(ctx, session);
    } catch (error) {
      if (ctx.signal.aborted) throw error;
      this.#warn(ctx, error, 'the session cache is unavailable: sessions are served from their record');
    }
  }

  #dueForSlide(id: string): boolean {
    const last = this.#slidAt.get(id);
    return last === undefined || this.#now() - last >= this.#slideEveryMs;
  }

  #markSlid(id: string): void {
    this.#slidAt.delete(id);
    this.#slidAt.set(id, this.#now());
    if (this.#slidAt.size > this.#maxTracked) {
      const oldest = this.#slidAt.keys().next();
      if (!oldest.done) this.#slidAt.delete(oldest.value);
    }
  }

  // One line per interval however many requests fail during an outage.
  #warn(ctx: Context, error: unknown, message: string): void {
    const now = this.#now();
    if (now < this.#nextWarnAt) return;
    this.#nextWarnAt = now + this.#warnIntervalMs;
    ctx.log.warn({ err: error }, message);
  }
}
