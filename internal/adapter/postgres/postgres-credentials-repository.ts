import { sql, type Kysely, type Transaction } from 'kysely';
import type { EventOutbox } from '../../domain/events/event-outbox.ts';
import { userRegisteredEvent } from '../../domain/events/integration-event.ts';
import type { Context } from '../../domain/shared/context.ts';
import type { Credentials, CredentialsRepository } from '../../domain/identity/credentials-repository.ts';
import type { NewUser, User } from '../../domain/user/user.ts';
import { EmailTakenError, UserNotFoundError } from '../../domain/user/user.errors.ts';
import { userRegistered } from '../../domain/activity/activity-event.ts';
import { recordActivity } from './activity/record-activity.ts';
import type { Database } from './database.ts';
import { isUniqueViolation, translatePgError } from './pg-errors.ts';

const EMAIL_INDEX = 'users_email_lower_key';

/** The `users.password_hash` column; the only code that reads it. */
export class PostgresCredentialsRepository implements CredentialsRepository {
  readonly #db: Kysely<Database>;
  readonly #outbox: EventOutbox<Transaction<Database>> | undefined;

  /** With `outbox`, a registration is published as `user.registered`. */
  constructor(db: Kysely<Database>, outbox?: EventOutbox<Transaction<Database>>) {
    this.#db = db;
    this.#outbox = outbox;
  }

  async findByEmail(ctx: Context, email: string): Promise<Credentials | undefined> {
    try {
      // lower(email) = lower($1) uses the unique index users_email_lower_key.
      const row = await this.#db
        .selectFrom('users')
        .select(['id', 'password_hash'])
        .where(sql<string>`lower(email)`, '=', sql<string>`lower(${email.trim()})`)
        .executeTakeFirst({ signal: ctx.signal });
      return row && { userId: row.id, passwordHash: row.password_hash ?? undefined };
    } catch (error) {
      throw translatePgError(error);
    }
  }

  async createWithPassword(ctx: Context, user: NewUser, passwordHash: string): Promise<User> {
    try {
      return await this.#db.transaction().execute(async (trx) => {
        const row = await trx
          .insertInto('users')
          .values({ id: user.id, name: user.name, email: user.email, password_hash: passwordHash })
          .returning(['id', 'name', 'email', 'version', 'created_at', 'updated_at'])
          .executeTakeFirstOrThrow({ signal: ctx.signal });
        await trx
          .insertInto('user_roles')
          .values(user.roles.map((role) => ({ user_id: user.id, role })))
          .execute({ signal: ctx.signal });
        await recordActivity(trx, userRegistered(user), ctx.signal);
        await this.#outbox?.append(trx, [userRegisteredEvent(user)], ctx.signal);
        return {
          id: row.id,
          name: row.name,
          email: row.email,
          roles: [...user.roles].sort(),
          version: row.version,
          createdAt: row.created_at,
          updatedAt: row.updated_at,
        };
      });
    } catch (error) {
      if (isUniqueViolation(error, EMAIL_INDEX)) throw new EmailTakenError(user.email, { cause: error });
      throw translatePgError(error);
    }
  }

  // Not a change of the user resource: the version (ETag) stays.
  async setPasswordHash(ctx: Context, userId: string, passwordHash: string): Promise<void> {
    let updated;
    try {
      updated = await this.#db
        .updateTable('users')
        .set({ password_hash: passwordHash })
        .where('id', '=', userId)
        .executeTakeFirst({ signal: ctx.signal });
    } catch (error) {
      throw translatePgError(error);
    }
    if (updated.numUpdatedRows === 0n) throw new UserNotFoundError(userId);
  }
}
