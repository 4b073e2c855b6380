import { describeSessionStoreContract } from '../contracts/session-store.contract.ts';
import { InMemorySessionStore } from './in-memory-session-store.ts';

describeSessionStoreContract('in memory', ({ idleTtlMs }) => {
  let userCount = 0;
  return {
    store: new InMemorySessionStore({ idleTtlMs }),
    newUserId: () => Promise.resolve(`user-${(userCount += 1)}`),
    cleanup: () => undefined,
  };
});
