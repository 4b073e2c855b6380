import type { Context } from '../../internal/domain/shared/context.ts';
import { nextExpiry, type NewSession, type Session } from '../../internal/domain/identity/session.ts';
import type { SessionStore } from '../../internal/domain/identity/session-store.ts';

/**
 * Keeps sessions in a map; for use-case tests and single-process tools. Not
 * for a service behind a load balancer: each replica would see only its own
 * logins.
 */
export class InMemorySessionStore implements SessionStore {
  readonly #sessions = new Map<string, Session>();
  readonly #idleTtlMs: number;
  readonly #now: () => Date;

  constructor(options: { idleTtlMs: number; now?: () => Date }) {
    this.#idleTtlMs = options.idleTtlMs;
    this.#now = options.now ?? (() => new Date());
  }

  create(ctx: Context, session: NewSession): Promise<void> {
    return settle(ctx, () => {
      this.#dropExpired();
      this.#sessions.set(session.id, copy(session));
    });
  }

  find(ctx: Context, id: string): Promise<Session | undefined> {
    return settle(ctx, () => {
      const stored = this.#sessions.get(id);
      if (!stored) return undefined;
      const now = this.#now();
      if (stored.expiresAt <= now) {
        this.#sessions.delete(id);
        return undefined;
      }
      const slid: Session = { ...stored, expiresAt: nextExpiry(now, stored.absoluteExpiresAt, this.#idleTtlMs) };
      this.#sessions.set(id, slid);
      return copy(slid);
    });
  }

  revoke(ctx: Context, id: string): Promise<void> {
    return settle(ctx, () => {
      this.#sessions.delete(id);
    });
  }

  revokeAllForUser(ctx: Context, userId: string): Promise<void> {
    return settle(ctx, () => {
      for (const [id, session] of this.#sessions) if (session.userId === userId) this.#sessions.delete(id);
    });
  }

  /** How many sessions are held, expired ones included until the next create. */
  get size(): number {
    return this.#sessions.size;
  }

  // Without a sweep, a long test run would keep every session it ever made.
  #dropExpired(): void {
    const now = this.#now();
    for (const [id, session] of this.#sessions) if (session.expiresAt <= now) this.#sessions.delete(id);
  }
}

function settle<T>(ctx: Context, work: () => T): Promise<T> {
  return new Promise((resolve) => {
    ctx.signal.throwIfAborted();
    resolve(work());
  });
}

function copy(session: Session): Session {
  return {
    ...session,
    roles: [...session.roles],
    createdAt: new Date(session.createdAt),
    expiresAt: new Date(session.expiresAt),
    absoluteExpiresAt: new Date(session.absoluteExpiresAt),
  };
}
