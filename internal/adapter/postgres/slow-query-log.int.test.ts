import { Writable } from 'node:stream';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.ts';
import { openDatabase } from '../../../cmd/shared/database.ts';
import { loadConfig } from '../../platform/config/load-config.ts';
import { createLogger } from '../../platform/logger/logger.ts';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase({ migrate: false });
});

afterAll(async () => {
  await database?.drop();
});

/** A logger whose JSON lines are kept. */
function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'debug', destination }) };
}

async function openWith(env: Record<string, string>) {
  const { config } = loadConfig({ DATABASE_URL: database.url, ...env });
  const { lines, logger } = capturingLogger();
  const opened = await openDatabase(config, logger, { autoMigrate: false });
  return { lines, db: opened.db, close: () => opened.shutdown() };
}

describe('the slow-query log on a real database', () => {
  it('when a statement takes longer than DB_SLOW_QUERY_MS, then one warn line has its name, duration and text, without its parameters', async () => {
    const { lines, db, close } = await openWith({ DB_SLOW_QUERY_MS: '50' });
    try {
      await sql`select 1`.execute(db);
      await sql`select pg_sleep(0.1), ${'alice@example.com'}::text as email`.execute(db);
    } finally {
      await close();
    }

    const slow = lines.filter((line) => line.msg === 'slow SQL statement');
    expect(slow).toHaveLength(1);
    expect(slow[0]).toMatchObject({ level: 'warn', component: 'sql', query: 'select', sql: 'select pg_sleep(0.1), $1::text as email', threshold_ms: 50 });
    expect(slow[0]?.duration_ms).toBeGreaterThanOrEqual(100);
    expect(JSON.stringify(lines)).not.toContain('alice@example.com');
  });

  it('when DB_LOG_QUERIES is on, then every statement is logged at debug', async () => {
    const { lines, db, close } = await openWith({ DB_LOG_QUERIES: 'true' });
    try {
      await sql`select ${42}::int as answer`.execute(db);
    } finally {
      await close();
    }

    expect(lines.filter((line) => line.msg === 'SQL statement')).toEqual([
      expect.objectContaining({ level: 'debug', component: 'sql', query: 'select', sql: 'select $1::int as answer' }),
    ]);
  });
});
