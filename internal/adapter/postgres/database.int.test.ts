import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.ts';
import { createDatabase } from './database.ts';
import { translatePgError } from './pg-errors.ts';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.drop();
});

describe('createDatabase', () => {
  it('when the server ends a connection while a transaction holds it between statements, then the transaction fails as unavailable and nothing crashes', async () => {
    const reported: Error[] = [];
    const handle = createDatabase({ url: database.url, max: 2, connectionTimeoutMs: 5_000, statementTimeoutMs: 5_000, idleTimeoutMs: 1_000 }, (error) => reported.push(error));
    try {
      const outcome = handle.db.transaction().execute(async (trx) => {
        const { rows } = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(trx);
        // Between two statements (as while a transaction awaits a call elsewhere), the server ends the session.
        await database.pool.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
        await new Promise((resolve) => setTimeout(resolve, 200));
        await sql`SELECT 1`.execute(trx);
      });

      const error = await outcome.catch((caught: unknown) => caught);

      expect(translatePgError(error)).toMatchObject({ kind: 'unavailable' });
      // The pool still serves.
      expect((await sql<{ one: number }>`SELECT 1 AS one`.execute(handle.db)).rows).toEqual([{ one: 1 }]);
    } finally {
      await handle.close();
    }
  });
});
