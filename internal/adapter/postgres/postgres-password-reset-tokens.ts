import { sql, type Kysely } from 'kysely';
import type { PasswordResetTokens } from '../../domain/identity/password-reset.ts';
import type { Context } from '../../domain/shared/context.ts';
import { UserNotFoundError } from '../../domain/user/user.errors.ts';
import type { Database } from './database.ts';
import { translatePgError } from './pg-errors.ts';

const FOREIGN_KEY_VIOLATION = '23503';

export class PostgresPasswordResetTokens implements PasswordResetTokens {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async issue(ctx: Context, reset: { readonly userId: string; readonly tokenHash: string; readonly expiresAt: Date }): Promise<void> {
    try {
      await this.#db
        .insertInto('password_resets')
        .values({ user_id: reset.userId, token_hash: reset.tokenHash, expires_at: reset.expiresAt })
        .onConflict((oc) => oc.column('user_id').doUpdateSet({ token_hash: reset.tokenHash, expires_at: reset.expiresAt }))
        .execute({ signal: ctx.signal });
    } catch (error) {
      if ((error as { code?: unknown }).code === FOREIGN_KEY_VIOLATION) throw new UserNotFoundError(reset.userId);
      throw translatePgError(error);
    }
  }

  async find(ctx: Context, tokenHash: string): Promise<string | undefined> {
    try {
      const row = await this.#db
        .selectFrom('password_resets')
        .select('user_id')
        .where('token_hash', '=', tokenHash)
        .where('expires_at', '>', sql<Date>`now()`)
        .executeTakeFirst({ signal: ctx.signal });
      return row?.user_id;
    } catch (error) {
      throw translatePgError(error);
    }
  }

  async redeem(ctx: Context, tokenHash: string): Promise<string | undefined> {
    try {
      const row = await this.#db
        .deleteFrom('password_resets')
        .where('token_hash', '=', tokenHash)
        .where('expires_at', '>', sql<Date>`now()`)
        .returning('user_id')
        .executeTakeFirst({ signal: ctx.signal });
      return row?.user_id;
    } catch (error) {
      throw translatePgError(error);
    }
  }
}
