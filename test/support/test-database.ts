import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { createDatabase, type DatabaseHandle } from '../../internal/adapter/postgres/database.ts';
import { SqlMigrator } from '../../internal/adapter/postgres/sql-migrator.ts';
import { MIGRATIONS_DIR } from '../../cmd/shared/project-paths.ts';

export interface TestDatabase extends DatabaseHandle {
  readonly name: string;
  readonly url: string;
  readonly migrator: SqlMigrator;
  /** Closes the pool and drops the database. */
  readonly drop: () => Promise<void>;
}

/**
 * A fresh, empty database of its own for one test file: on the test server, or
 * on `adminUrl` (a PostgreSQL the test runs itself, e.g. to stop it).
 */
export async function createTestDatabase(options: { migrate?: boolean; adminUrl?: string } = {}): Promise<TestDatabase> {
  const adminUrl = options.adminUrl ?? inject('adminDatabaseUrl');
  const name = `ordersvc_test_${randomBytes(6).toString('hex')}`;
  await withAdmin(adminUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const handle = createDatabase(
    { url: url.toString(), max: 10, connectionTimeoutMs: 5_000, statementTimeoutMs: 10_000, idleTimeoutMs: 10_000 },
    () => undefined,
  );
  const migrator = new SqlMigrator(handle.db, MIGRATIONS_DIR);
  if (options.migrate !== false) await migrator.up();
  return {
    ...handle,
    name,
    url: url.toString(),
    migrator,
    drop: async () => {
      await handle.close();
      await withAdmin(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

async function withAdmin(url: string, run: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await run(client);
  } finally {
    await client.end();
  }
}
