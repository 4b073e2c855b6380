import { describeCredentialsRepositoryContract } from '../contracts/credentials-repository.contract.ts';
import { InMemoryCredentialsRepository } from './in-memory-credentials-repository.ts';
import { InMemoryUserRepository } from './in-memory-user-repository.ts';

describeCredentialsRepositoryContract('in memory', () => {
  const users = new InMemoryUserRepository();
  return { credentials: new InMemoryCredentialsRepository(users), users, cleanup: () => undefined };
});
