import type { Kysely } from 'kysely';
import type { Context } from '../../domain/shared/context.ts';
import { nextExpiry, type NewSession, type Session } from '../../domain/identity/session.ts';
import type { SessionStore } from '../../domain/identity/session-store.ts';
import type { Role } from '../../domain/user/user.ts';
import { UserNotFoundError } from '../../domain/user/user.errors.ts';
import type { Database } from './database.ts';
import { translatePgError } from './pg-errors.ts';
import type { SessionRow } from './sessions.table.ts';

const FOREIGN_KEY_VIOLATION = '23503';

/**
 * Sessions in the `sessions` table. `find` writes only when less than half
 * the idle TTL remains, so most authenticated requests cost one indexed read.
 * Deleting a user deletes their sessions (foreign key cascade). Expired rows
 * stay until `purgeExpired` removes them; run it on a schedule.
 */
export class PostgresSessionStore implements SessionStore {
  readonly #db: Kysely<Database>;
  readonly #idleTtlMs: number;
  readonly #now: () => Date;

  constructor(db: Kysely<Database>, options: { idleTtlMs: number; now?: () => Date }) {
    this.#db = db;
    this.#idleTtlMs = options.idleTtlMs;
    this.#now = options.now ?? (() => new Date());
  }

  async create(ctx: Context, session: NewSession): Promise<void> {
    try {
      await this.#db
        .insertInto('sessions')
        .values({
          id: session.id,
          user_id: session.userId,
          roles: [...session.roles],
          created_at: session.createdAt,
          expires_at: session.expiresAt,
          absolute_expires_at: session.absoluteExpiresAt,
        })
        .execute({ signal: ctx.signal });
    } catch (error) {
      // The user was deleted between the password check and here.
      if ((error as { code?: unknown }).code === FOREIGN_KEY_VIOLATION) throw new UserNotFoundError(session.userId);
      throw translatePgError(error);
    }
  }

  async find(ctx: Context, id: string): Promise<Session | undefined> {
    const now = this.#now();
    try {
      const row = await this.#db
        .selectFrom('sessions')
        .selectAll()
        .where('id', '=', id)
        .where('expires_at', '>', now)
        .executeTakeFirst({ signal: ctx.signal });
      if (!row) return undefined;
      if (row.expires_at.getTime() - now.getTime() >= this.#idleTtlMs / 2) return toDomain(row);
      // Conditional, so a session revoked or expired since the read stays dead.
      const renewed = await this.#db
        .updateTable('sessions')
        .set({ expires_at: nextExpiry(now, row.absolute_expires_at, this.#idleTtlMs) })
        .where('id', '=', id)
        .where('expires_at', '>', now)
        .returningAll()
        .executeTakeFirst({ signal: ctx.signal });
      return renewed && toDomain(renewed);
    } catch (error) {
      throw translatePgError(error);
    }
  }

  async revoke(ctx: Context, id: string): Promise<void> {
    try {
      await this.#db.deleteFrom('sessions').where('id', '=', id).execute({ signal: ctx.signal });
    } catch (error) {
      throw translatePgError(error);
    }
  }

  async revokeAllForUser(ctx: Context, userId: string): Promise<void> {
    try {
      await this.#db.deleteFrom('sessions').where('user_id', '=', userId).execute({ signal: ctx.signal });
    } catch (error) {
      throw translatePgError(error);
    }
  }

  /** Deletes up to `limit` expired sessions (a bounded batch per call); returns how many. */
  async purgeExpired(ctx: Context, limit = 1_000): Promise<number> {
    try {
      const expired = this.#db.selectFrom('sessions').select('id').where('expires_at', '<=', this.#now()).limit(limit);
      const result = await this.#db.deleteFrom('sessions').where('id', 'in', expired).executeTakeFirst({ signal: ctx.signal });
      return Number(result.numDeletedRows);
    } catch (error) {
      throw translatePgError(error);
    }
  }
}

function toDomain(row: SessionRow): Session {
  return {
    id: row.id,
    userId: row.user_id,
    roles: row.roles as Role[],
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    absoluteExpiresAt: row.absolute_expires_at,
  };
}
