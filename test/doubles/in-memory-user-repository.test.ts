import { describeUserRepositoryContract } from '../contracts/user-repository.contract.ts';
import { InMemoryUserRepository } from './in-memory-user-repository.ts';

describeUserRepositoryContract('in memory', () => ({
  repo: new InMemoryUserRepository(),
  cleanup: () => undefined,
}));
