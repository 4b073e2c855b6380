import { sql, type Kysely, type Transaction } from 'kysely';
import type { Context } from '../../domain/shared/context.ts';
import { servedBySource, type Served } from '../../domain/shared/served.ts';
import { StaleVersionError, versionMatches, type ExpectedVersion } from '../../domain/shared/version.ts';
import { sameRoles, type NewUser, type Role, type User } from '../../domain/user/user.ts';
import { EmailTakenError, UserHasOrdersError, UserNotFoundError } from '../../domain/user/user.errors.ts';
import type { UserRepository } from '../../domain/user/user-repository.ts';
import { profileUpdated, userRegistered } from '../../domain/activity/activity-event.ts';
import { recordActivity } from './activity/record-activity.ts';
import type { Database } from './database.ts';
import { isForeignKeyViolation, isUniqueViolation, translatePgError } from './pg-errors.ts';
import type { UserRow } from './users.table.ts';
import type { EventOutbox } from '../../domain/events/event-outbox.ts';
import { userDeletedEvent, userRegisteredEvent } from '../../domain/events/integration-event.ts';

type Executor = Kysely<Database> | Transaction<Database>;
type UserWithRoles = UserRow & { roles: string[] };

const EMAIL_INDEX = 'users_email_lower_key';
// Orders keep their owner (ON DELETE RESTRICT).
const ORDERS_USER_FK = 'orders_user_id_fkey';

export class PostgresUserRepository implements UserRepository {
  readonly #db: Kysely<Database>;
  readonly #outbox: EventOutbox<Transaction<Database>> | undefined;

  /** With `outbox`, registrations and deletions are published as integration events. */
  constructor(db: Kysely<Database>, outbox?: EventOutbox<Transaction<Database>>) {
    this.#db = db;
    this.#outbox = outbox;
  }

  async create(ctx: Context, user: NewUser): Promise<User> {
    try {
      return await this.#db.transaction().execute(async (trx) => {
        const row = await trx
          .insertInto('users')
          .values({ id: user.id, name: user.name, email: user.email })
          .returningAll()
          .executeTakeFirstOrThrow({ signal: ctx.signal });
        await this.#insertRoles(ctx, trx, user.id, user.roles);
        await recordActivity(trx, userRegistered(user), ctx.signal);
        await this.#outbox?.append(trx, [userRegisteredEvent(user)], ctx.signal);
        return toDomain({ ...row, roles: [...user.roles] });
      });
    } catch (error) {
      if (isUniqueViolation(error, EMAIL_INDEX)) throw new EmailTakenError(user.email, { cause: error });
      throw translatePgError(error);
    }
  }

  // No cache in front: the source itself answers.
  async serveById(ctx: Context, id: string): Promise<Served<User | undefined>> {
    return servedBySource(await this.findById(ctx, id));
  }

  async findById(ctx: Context, id: string): Promise<User | undefined> {
    try {
      const row = await selectUsers(this.#db).where('users.id', '=', id).executeTakeFirst({ signal: ctx.signal });
      return row && toDomain(row);
    } catch (error) {
      throw translatePgError(error);
    }
  }

  async list(ctx: Context, page: { limit: number; afterId?: string | undefined }): Promise<User[]> {
    let query = selectUsers(this.#db).orderBy('users.id').limit(page.limit);
    if (page.afterId !== undefined) query = query.where('users.id', '>', page.afterId);
    try {
      const rows = await query.execute({ signal: ctx.signal });
      return rows.map(toDomain);
    } catch (error) {
      throw translatePgError(error);
    }
  }

  async update(ctx: Context, id: string, expected: ExpectedVersion, change: (user: User) => User): Promise<User> {
    let email = '';
    try {
      return await this.#db.transaction().execute(async (trx) => {
        const locked = await trx.selectFrom('users').select('id').where('id', '=', id).forUpdate().executeTakeFirst({ signal: ctx.signal });
        if (!locked) throw new UserNotFoundError(id);
        // Read only once the lock is held: a locking statement that had to wait re-reads
        // the user row, but its roles subquery still sees the snapshot taken before the wait.
        const current = toDomain(await selectUsers(trx).where('users.id', '=', id).executeTakeFirstOrThrow({ signal: ctx.signal }));
        if (!versionMatches(expected, current.version)) throw new StaleVersionError('user');
        const next = change(current);
        if (next === current) return current;
        email = next.email;

        const saved = await trx
          .updateTable('users')
          .set({ name: next.name, email: next.email, version: current.version + 1, updated_at: sql<Date>`now()` })
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirstOrThrow({ signal: ctx.signal });
        if (!sameRoles(next.roles, current.roles)) {
          await trx.deleteFrom('user_roles').where('user_id', '=', id).execute({ signal: ctx.signal });
          await this.#insertRoles(ctx, trx, id, next.roles);
        }
        const updated = toDomain({ ...saved, roles: [...next.roles] });
        const event = profileUpdated(current, updated);
        if (event) await recordActivity(trx, event, ctx.signal);
        return updated;
      });
    } catch (error) {
      if (isUniqueViolation(error, EMAIL_INDEX)) throw new EmailTakenError(email, { cause: error });
      throw translatePgError(error);
    }
  }

  async delete(ctx: Context, id: string, expected: ExpectedVersion): Promise<void> {
    let outcome: 'deleted' | 'stale' | 'missing';
    try {
      outcome = await this.#db.transaction().execute(async (trx) => {
        const result = await this.#deleteIfVersion(ctx, trx, id, expected);
        if (result === 'deleted') await this.#outbox?.append(trx, [userDeletedEvent(id)], ctx.signal);
        return result;
      });
    } catch (error) {
      if (isForeignKeyViolation(error, ORDERS_USER_FK)) throw new UserHasOrdersError(id, { cause: error });
      throw translatePgError(error);
    }
    if (outcome === 'stale') throw new StaleVersionError('user');
    if (outcome === 'missing') throw new UserNotFoundError(id);
  }

  async #deleteIfVersion(ctx: Context, trx: Transaction<Database>, id: string, expected: ExpectedVersion): Promise<'deleted' | 'stale' | 'missing'> {
    if (expected.kind === 'any' || expected.versions.length > 0) {
      let query = trx.deleteFrom('users').where('id', '=', id);
      if (expected.kind === 'one_of') query = query.where('version', 'in', [...expected.versions]);
      if (await query.returning('id').executeTakeFirst({ signal: ctx.signal })) return 'deleted';
    }
    const exists = await trx.selectFrom('users').select('id').where('id', '=', id).executeTakeFirst({ signal: ctx.signal });
    return exists ? 'stale' : 'missing';
  }

  async #insertRoles(ctx: Context, trx: Executor, userId: string, roles: readonly Role[]): Promise<void> {
    await trx
      .insertInto('user_roles')
      .values(roles.map((role) => ({ user_id: userId, role })))
      .execute({ signal: ctx.signal });
  }
}

// Roles come in the same statement (a correlated array), never one query per user.
function selectUsers(db: Executor) {
  return db
    .selectFrom('users')
    .selectAll('users')
    .select(sql<string[]>`array(select r.role from user_roles r where r.user_id = users.id order by r.role)`.as('roles'));
}

function toDomain(row: UserWithRoles): User {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    roles: row.roles as Role[],
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
