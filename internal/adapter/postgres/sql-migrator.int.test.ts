import { sql, type Kysely } from 'kysely';
import type { Database } from './database.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.ts';

// Everything in the public schema but the migrator's own bookkeeping.
async function schemaOf(db: Kysely<Database>): Promise<unknown> {
  const columns = await sql`
    SELECT table_name, column_name, data_type, is_nullable, column_default
    FROM information_schema.columns
    WHERE table_schema = 'public' AND table_name NOT LIKE 'kysely_%'
    ORDER BY table_name, column_name`.execute(db);
  const indexes = await sql`
    SELECT tablename, indexname, indexdef FROM pg_indexes
    WHERE schemaname = 'public' AND tablename NOT LIKE 'kysely_%'
    ORDER BY tablename, indexname`.execute(db);
  const constraints = await sql`
    SELECT c.conrelid::regclass::text AS table_name, c.conname, pg_get_constraintdef(c.oid) AS definition
    FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
    WHERE n.nspname = 'public' AND c.conrelid::regclass::text NOT LIKE 'kysely_%'
    ORDER BY 1, 2`.execute(db);
  const types = await sql`
    SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE n.nspname = 'public' AND t.typtype IN ('e', 'd', 'c') AND t.typname NOT LIKE 'kysely_%'
    ORDER BY 1`.execute(db);
  const triggers = await sql`
    SELECT event_object_table, trigger_name, event_manipulation, action_timing, action_statement
    FROM information_schema.triggers WHERE trigger_schema = 'public'
    ORDER BY 1, 2, 3`.execute(db);
  const functions = await sql`
    SELECT p.proname, pg_get_function_identity_arguments(p.oid) AS arguments FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname = 'public' ORDER BY 1, 2`.execute(db);
  return { columns: columns.rows, indexes: indexes.rows, constraints: constraints.rows, types: types.rows, triggers: triggers.rows, functions: functions.rows };
}

describe('SQL migrations', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase({ migrate: false });
  });

  afterAll(async () => {
    await database?.drop();
  });

  it('when each migration is applied, reverted and applied again, then every down step restores the schema its up step started from', async () => {
    const names = (await database.migrator.status()).map((migration) => migration.name);
    expect(names.length).toBeGreaterThan(0);

    const empty = await schemaOf(database.db);
    for (const name of names) {
      const before = await schemaOf(database.db);
      expect(await database.migrator.upOne()).toEqual([name]);
      const after = await schemaOf(database.db);
      expect(after).not.toEqual(before);

      expect(await database.migrator.down()).toEqual([name]);
      expect(await schemaOf(database.db)).toEqual(before);

      await database.migrator.upOne();
      expect(await schemaOf(database.db)).toEqual(after);
    }

    const latest = await schemaOf(database.db);
    expect(await database.migrator.reset()).toEqual([...names].reverse());
    expect(await schemaOf(database.db)).toEqual(empty);
    expect(await database.migrator.up()).toEqual(names);
    expect(await schemaOf(database.db)).toEqual(latest);
  });

  it('when asked for the status, then it lists every migration with the time it was applied', async () => {
    const status = await database.migrator.status();
    expect(status.every((migration) => migration.appliedAt instanceof Date)).toBe(true);
  });
});
