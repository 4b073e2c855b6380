import { describeProductRepositoryContract } from '../contracts/product-repository.contract.ts';
import { InMemoryProductRepository } from './in-memory-product-repository.ts';

describeProductRepositoryContract('in memory', () => ({
  repo: new InMemoryProductRepository(),
  cleanup: () => undefined,
}));
