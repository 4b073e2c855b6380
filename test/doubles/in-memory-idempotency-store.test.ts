import { v7 as uuidv7 } from 'uuid';
import { describeIdempotencyStoreContract } from '../contracts/idempotency-store.contract.ts';
import { InMemoryIdempotencyStore } from './in-memory-idempotency-store.ts';

describeIdempotencyStoreContract('in memory', () => ({
  store: new InMemoryIdempotencyStore(),
  givenUser: () => Promise.resolve(uuidv7()),
  cleanup: () => undefined,
}));
