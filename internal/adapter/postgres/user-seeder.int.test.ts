import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Context } from '../../domain/shared/context.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.ts';
import { PostgresUserRepository } from './postgres-user-repository.ts';
import { PostgresUserSeeder, type SeedProgress } from './user-seeder.ts';

const ctx: Context = {
  traceId: 't',
  signal: new AbortController().signal,
  log: { debug() {}, info() {}, warn() {}, error() {} },
};

describe('PostgresUserSeeder', () => {
  let database: TestDatabase;
  let seeder: PostgresUserSeeder;

  beforeAll(async () => {
    database = await createTestDatabase();
    seeder = new PostgresUserSeeder(database.db);
  });

  afterAll(async () => {
    await database?.drop();
  });

  async function countRows(): Promise<{ users: number; emails: number; withoutRole: number; admins: number; customers: number }> {
    const { rows } = await sql<{ users: number; emails: number; without_role: number; admins: number; customers: number }>`
      SELECT
        (SELECT count(*)::int FROM users) AS users,
        (SELECT count(DISTINCT lower(email))::int FROM users) AS emails,
        (SELECT count(*)::int FROM users u WHERE NOT EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id)) AS without_role,
        (SELECT count(*)::int FROM user_roles WHERE role = 'admin') AS admins,
        (SELECT count(*)::int FROM user_roles WHERE role = 'customer') AS customers`.execute(database.db);
    const row = rows[0]!;
    return { users: row.users, emails: row.emails, withoutRole: row.without_role, admins: row.admins, customers: row.customers };
  }

  it('when 1,000 users are seeded, then they all exist with unique emails, roles and every Kth one an admin, readable through the repository', async () => {
    const progress: SeedProgress[] = [];
    const result = await seeder.seed(1_000, { adminsEvery: 50, batchSize: 300 }, (step) => progress.push(step));

    expect(result).toMatchObject({ inserted: 1_000, total: 1_000, admins: 20 });
    expect(progress.map((step) => step.inserted)).toEqual([300, 600, 900, 1_000]);
    expect(await countRows()).toEqual({ users: 1_000, emails: 1_000, withoutRole: 0, admins: 20, customers: 1_000 });

    const repository = new PostgresUserRepository(database.db);
    const seen: string[] = [];
    let afterId: string | undefined;
    for (;;) {
      const page = await repository.list(ctx, { limit: 400, afterId });
      if (page.length === 0) break;
      for (const user of page) {
        expect(user.email).toBe(user.email.toLowerCase());
        expect(user.email).toMatch(new RegExp(`^[a-z0-9]+\\.[a-z0-9]+\\.${result.runId}-[a-z0-9]+@example\\.(com|org|net)$`));
        expect(user.name).toMatch(/^\S.* \S.*$/);
        expect(user.roles).toContain('customer');
        expect(user.version).toBe(1);
      }
      seen.push(...page.map((user) => user.id));
      afterId = page.at(-1)!.id;
    }
    expect(seen).toHaveLength(1_000);
    expect(new Set(seen).size).toBe(1_000);

    // UUIDv7 ids are monotonic within a process, so id order is seeding order:
    // the 50th user is the first admin, the 49th is not.
    expect((await repository.findById(ctx, seen[49]!))?.roles).toEqual(['admin', 'customer']);
    expect((await repository.findById(ctx, seen[48]!))?.roles).toEqual(['customer']);
  });

  it('when seeding runs again, then the new emails do not collide with the earlier ones', async () => {
    const before = await countRows();
    const result = await seeder.seed(500, { adminsEvery: 0, batchSize: 5_000 });

    expect(result).toMatchObject({ inserted: 500, admins: 0 });
    const after = await countRows();
    expect(after.users).toBe(before.users + 500);
    expect(after.emails).toBe(after.users);
    expect(after.admins).toBe(before.admins);
    expect(after.withoutRole).toBe(0);
  });

  it('when the count or batch size is out of range, then nothing is written', async () => {
    const before = await countRows();
    await expect(seeder.seed(0, { adminsEvery: 50, batchSize: 10 })).rejects.toThrow(RangeError);
    await expect(seeder.seed(10, { adminsEvery: 50, batchSize: 0 })).rejects.toThrow(RangeError);
    await expect(seeder.seed(10, { adminsEvery: -1, batchSize: 10 })).rejects.toThrow(RangeError);
    expect(await countRows()).toEqual(before);
  });

  it('when the signal is aborted, then it stops between batches and keeps the committed ones', async () => {
    const before = await countRows();
    const controller = new AbortController();
    const run = seeder.seed(1_000, { adminsEvery: 50, batchSize: 100, signal: controller.signal }, (step) => {
      if (step.inserted === 200) controller.abort(new Error('stop'));
    });
    await expect(run).rejects.toThrow('stop');
    expect((await countRows()).users).toBe(before.users + 200);
  });
});
