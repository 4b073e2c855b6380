import { v7 as uuidv7 } from 'uuid';
import { describeOrderRepositoryContract } from '../contracts/order-repository.contract.ts';
import { InMemoryOrderRepository } from './in-memory-order-repository.ts';

describeOrderRepositoryContract('in memory', () => ({
  repo: new InMemoryOrderRepository(),
  givenUser: () => Promise.resolve(uuidv7()),
  givenProduct: () => Promise.resolve(uuidv7()),
  cleanup: () => undefined,
}));
