import { afterAll, beforeAll } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.ts';
import { describeCredentialsRepositoryContract } from '../../../test/contracts/credentials-repository.contract.ts';
import { PostgresCredentialsRepository } from './postgres-credentials-repository.ts';
import { PostgresUserRepository } from './postgres-user-repository.ts';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.drop();
});

describeCredentialsRepositoryContract('PostgreSQL', () => ({
  credentials: new PostgresCredentialsRepository(database.db),
  users: new PostgresUserRepository(database.db),
  cleanup: async () => {
    await database.db.deleteFrom('users').execute();
  },
}));
