import { afterAll, beforeAll, expect, it } from 'vitest';
import { CONTRACT_POLICY, describeSignInThrottleContract } from '../../../test/contracts/sign-in-throttle.contract.ts';
import { InMemorySignInThrottle } from '../../../test/doubles/in-memory-sign-in-throttle.ts';
import { testContext } from '../../../test/support/test-context.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.ts';
import { PostgresSignInThrottle } from './postgres-sign-in-throttle.ts';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.drop();
});

describeSignInThrottleContract('in memory (the test double)', () => new InMemorySignInThrottle(CONTRACT_POLICY));
describeSignInThrottleContract('PostgreSQL', () => new PostgresSignInThrottle(database.db, CONTRACT_POLICY));

it('when rows are forgotten, then purgeExpired deletes them and keeps the others', async () => {
  const throttle = new PostgresSignInThrottle(database.db, CONTRACT_POLICY);
  await database.pool.query("INSERT INTO sign_in_attempts VALUES (repeat('a', 64), 3, now() - interval '2 hours', now() - interval '1 hour')");
  await throttle.begin(testContext(), 'b'.repeat(64));

  const purged = await throttle.purgeExpired(testContext(), 100);

  expect(purged).toBe(1);
  const { rows } = await database.pool.query<{ account: string }>('SELECT account FROM sign_in_attempts');
  expect(rows.map((row) => row.account)).toContain('b'.repeat(64));
});
