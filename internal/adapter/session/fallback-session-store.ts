import type { Context } from '../../domain/shared/context.ts';
import { DependencyUnavailableError } from '../../domain/shared/domain-error.ts';
import type { NewSession, Session } from '../../domain/identity/session.ts';
import type { SessionStore } from '../../domain/identity/session-store.ts';

export interface FallbackOptions {
  /** The stores' idle TTL: the fallback's copy of a session in use is refreshed every quarter of it. */
  readonly idleTtlMs: number;
  /** Sessions whose last refresh this process remembers (a bounded map); default 10,000. */
  readonly maxTracked?: number;
  /** Least time between two "primary unavailable" warnings; default 10 s. */
  readonly warnIntervalMs?: number;
  readonly now?: () => number;
}

/**
 * Two stores as one, for a fast primary (Redis) backed by a durable fallback
 * (PostgreSQL); used only when configured so.
 *
 * - Writes go to both. `create` succeeds when one store is merely unavailable,
 *   so people can still log in during an outage (a session created while the
 *   primary was down is unknown to it once it is back: that user logs in
 *   again). Revocations fail closed: unless both stores revoked, they throw,
 *   because a session left in the primary would come back with it.
 * - Reads go to the primary and, only when it throws
 *   `DependencyUnavailableError`, to the fallback. A miss in the primary is
 *   final.
 * - While the primary serves a session, the fallback's copy would expire
 *   after one idle TTL; so at most every quarter of the idle TTL per session
 *   (per process), a read also refreshes the fallback's copy (and restores it
 *   if the fallback lost it), keeping failover seamless for people signed in.
 */
export class FallbackSessionStore implements SessionStore {
  readonly #primary: SessionStore;
  readonly #fallback: SessionStore;
  readonly #refreshEveryMs: number;
  readonly #maxTracked: number;
  readonly #warnIntervalMs: number;
  readonly #now: () => number;
  /** Session id -> when the fallback's copy was last refreshed; oldest first. */
  readonly #refreshedAt = new Map<string, number>();
  #nextWarnAt = 0;

  constructor(primary: SessionStore, fallback: SessionStore, options: FallbackOptions) {
    this.#primary = primary;
    this.#fallback = fallback;
    this.#refreshEveryMs = options.idleTtlMs / 4;
    this.#maxTracked = options.maxTracked ?? 10_000;
    this.#warnIntervalMs = options.warnIntervalMs ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  async create(ctx: Context, session: NewSession): Promise<void> {
    const [primary, fallback] = await Promise.allSettled([this.#primary.create(ctx, session), this.#fallback.create(ctx, session)]);
    const failures = [primary, fallback].filter((result) => result.status === 'rejected').map((result) => result.reason as unknown);
    if (failures.length === 2 || failures.some((error) => !(error instanceof DependencyUnavailableError))) throw failures[0];
    if (failures.length === 1) this.#warn(ctx, failures[0], 'a session store is unavailable: the session was created in the other one only');
    else this.#markRefreshed(session.id);
  }

  async find(ctx: Context, id: string): Promise<Session | undefined> {
    let session: Session | undefined;
    try {
      session = await this.#primary.find(ctx, id);
    } catch (error) {
      if (!(error instanceof DependencyUnavailableError)) throw error;
      this.#warn(ctx, error, 'the primary session store is unavailable: reading sessions from the fallback');
      return this.#fallback.find(ctx, id);
    }
    if (session) await this.#refreshFallback(ctx, session);
    else this.#refreshedAt.delete(id);
    return session;
  }

  async revoke(ctx: Context, id: string): Promise<void> {
    this.#refreshedAt.delete(id);
    await both([this.#primary.revoke(ctx, id), this.#fallback.revoke(ctx, id)]);
  }

  async revokeAllForUser(ctx: Context, userId: string): Promise<void> {
    await both([this.#primary.revokeAllForUser(ctx, userId), this.#fallback.revokeAllForUser(ctx, userId)]);
  }

  async #refreshFallback(ctx: Context, session: Session): Promise<void> {
    const last = this.#refreshedAt.get(session.id);
    if (last !== undefined && this.#now() - last < this.#refreshEveryMs) return;
    try {
      if (!(await this.#fallback.find(ctx, session.id))) await this.#fallback.create(ctx, session);
      this.#markRefreshed(session.id);
    } catch (error) {
      // The primary answered; the fallback only matters in an outage.
      if (ctx.signal.aborted) throw error;
      ctx.log.debug({ err: error, sessionStore: 'fallback' }, 'could not refresh the fallback copy of a session');
    }
  }

  #markRefreshed(id: string): void {
    this.#refreshedAt.delete(id);
    this.#refreshedAt.set(id, this.#now());
    if (this.#refreshedAt.size > this.#maxTracked) {
      const oldest = this.#refreshedAt.keys().next();
      if (!oldest.done) this.#refreshedAt.delete(oldest.value);
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

async function both(operations: [Promise<void>, Promise<void>]): Promise<void> {
  const results = await Promise.allSettled(operations);
  const failed = results.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
}
