import { Kysely, PostgresDialect, sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testContext } from '../../../test/support/test-context.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.ts';
import { ANY_VERSION, StaleVersionError } from '../../domain/shared/version.ts';
import { changeUser, newUser } from '../../domain/user/user.ts';
import { EmailTakenError, UserHasOrdersError } from '../../domain/user/user.errors.ts';
import { describeUserRepositoryContract } from '../../../test/contracts/user-repository.contract.ts';
import type { Database } from './database.ts';
import { PostgresUserRepository } from './postgres-user-repository.ts';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.drop();
});

const emptyTables = async () => {
  await sql`TRUNCATE users CASCADE`.execute(database.db);
};

describeUserRepositoryContract('PostgreSQL', () => ({
  repo: new PostgresUserRepository(database.db),
  cleanup: emptyTables,
}));

describe('PostgresUserRepository', () => {
  const ctx = testContext();
  let repo: PostgresUserRepository;

  beforeEach(() => {
    repo = new PostgresUserRepository(database.db);
  });

  afterEach(emptyTables);

  it('when a user with orders is deleted, then it is UserHasOrdersError and the user stays', async () => {
    const user = await repo.create(ctx, newUser(uuidv7(), { name: 'Buyer', email: 'buyer@example.com' }));
    await sql`INSERT INTO orders (id, user_id, status, currency, total_amount) VALUES (${uuidv7()}, ${user.id}, 'pending', 'EUR', 100)`.execute(database.db);

    await expect(repo.delete(ctx, user.id, ANY_VERSION)).rejects.toBeInstanceOf(UserHasOrdersError);
    expect(await repo.findById(ctx, user.id)).toBeDefined();
  });

  it('when a page of users with roles is listed, then the users and their roles come from one statement', async () => {
    for (let i = 0; i < 20; i += 1) {
      await repo.create(ctx, newUser(uuidv7(), { name: `User ${i}`, email: `user${i}@example.com`, roles: ['admin', 'customer'] }));
    }
    let queries = 0;
    // Shares the test pool; destroying it would end that pool, so drop() does the closing.
    const counted = new Kysely<Database>({
      dialect: new PostgresDialect({ pool: database.pool }),
      log: (event) => {
        if (event.level === 'query') queries += 1;
      },
    });

    const users = await new PostgresUserRepository(counted).list(ctx, { limit: 20 });

    expect(users).toHaveLength(20);
    expect(users.every((user) => user.roles.join() === 'admin,customer')).toBe(true);
    expect(queries).toBe(1);
  });

  it('when 10 updates expecting the same version race, then exactly one succeeds and the others get StaleVersionError', async () => {
    const ada = await repo.create(ctx, newUser(uuidv7(), { name: 'Ada', email: 'ada@example.com' }));

    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        repo.update(ctx, ada.id, { kind: 'one_of', versions: [1] }, (user) => changeUser(user, { name: `Ada ${i}` })),
      ),
    );

    const succeeded = results.filter((result) => result.status === 'fulfilled');
    const failed = results.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
    expect(succeeded).toHaveLength(1);
    expect(failed).toHaveLength(9);
    expect(failed.every((error) => error instanceof StaleVersionError)).toBe(true);
    expect(await repo.findById(ctx, ada.id)).toEqual(succeeded[0]?.value);
  });

  it('when 10 creates with one email in different letter cases race, then exactly one succeeds and the others get EmailTakenError', async () => {
    const emails = Array.from({ length: 10 }, (_, i) => withCasePattern('race@example.com', i));

    const results = await Promise.allSettled(emails.map((email) => repo.create(ctx, newUser(uuidv7(), { name: 'Racer', email }))));

    const succeeded = results.filter((result) => result.status === 'fulfilled');
    const failed = results.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
    expect(new Set(emails).size).toBe(10);
    expect(succeeded).toHaveLength(1);
    expect(failed.every((error) => error instanceof EmailTakenError)).toBe(true);
    expect(await repo.list(ctx, { limit: 20 })).toEqual([succeeded[0]?.value]);
  });

  it.each([
    ['renames the user', { name: 'Ada King' }, { name: 'Ada King', roles: ['admin'], version: 3 }],
    ['sets the roles the user had before', { roles: ['customer'] }, { name: 'Ada', roles: ['customer'], version: 3 }],
  ])('when an update that %s waits for a transaction that changes the roles, then it builds on the committed roles', async (_, changes, expected) => {
    const ada = await repo.create(ctx, newUser(uuidv7(), { name: 'Ada', email: 'ada@example.com', roles: ['customer'] }));
    const other = await database.pool.connect();
    try {
      await other.query('BEGIN');
      await other.query('UPDATE users SET version = version + 1 WHERE id = $1', [ada.id]);
      await other.query(`UPDATE user_roles SET role = 'admin' WHERE user_id = $1`, [ada.id]);
      const waiting = repo.update(ctx, ada.id, ANY_VERSION, (user) => changeUser(user, changes));
      await untilSomeoneWaitsForALock();
      await other.query('COMMIT');

      const updated = await waiting;

      expect(updated).toMatchObject(expected);
      expect(await repo.findById(ctx, ada.id)).toEqual(updated);
    } finally {
      // Destroyed, not returned: a failed assertion may have left its transaction open.
      other.release(true);
    }
  });
});

// Upper-cases the letters whose position is a set bit of `pattern`: distinct patterns, distinct spellings.
function withCasePattern(email: string, pattern: number): string {
  return [...email].map((char, i) => ((pattern >> i) & 1 ? char.toUpperCase() : char)).join('');
}

async function untilSomeoneWaitsForALock(): Promise<void> {
  for (;;) {
    const { rows } = await sql<{ waiting: boolean }>`
      SELECT exists(SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock') AS waiting`.execute(database.db);
    if (rows[0]?.waiting) return;
  }
}
