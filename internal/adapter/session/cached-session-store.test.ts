import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { testContext } from '../../../test/support/test-context.ts';
import { describeSessionStoreContract } from '../../../test/contracts/session-store.contract.ts';
import { sessionLifetime, startSession } from '../../domain/identity/session.ts';
import type { SessionStore } from '../../domain/identity/session-store.ts';
import { issueSessionToken } from '../../domain/identity/session-token.ts';
import { DependencyUnavailableError } from '../../domain/shared/domain-error.ts';
import { InMemorySessionStore } from '../../../test/doubles/in-memory-session-store.ts';
import { CachedSessionStore } from './cached-session-store.ts';

const ctx = testContext();

describeSessionStoreContract('PostgreSQL record, Redis cache (both in memory)', ({ idleTtlMs }) => ({
  store: new CachedSessionStore(new InMemorySessionStore({ idleTtlMs }), new InMemorySessionStore({ idleTtlMs }), { idleTtlMs }),
  newUserId: () => Promise.resolve(randomUUID()),
  cleanup: () => undefined,
}));

/** A cache that is down. */
const downCache: SessionStore = {
  create: () => Promise.reject(new DependencyUnavailableError('redis')),
  find: () => Promise.reject(new DependencyUnavailableError('redis')),
  revoke: () => Promise.reject(new DependencyUnavailableError('redis')),
  revokeAllForUser: () => Promise.reject(new DependencyUnavailableError('redis')),
};

describe('CachedSessionStore', () => {
  const idleTtlMs = 60_000;
  const session = () => startSession(sessionLifetime(idleTtlMs, 10 * idleTtlMs), new Date(), { id: issueSessionToken().sessionId, userId: randomUUID(), roles: ['customer'] });

  it('when the cache loses every session (a restart without persistence), then each is found in the record and cached again', async () => {
    const record = new InMemorySessionStore({ idleTtlMs });
    let cache = new InMemorySessionStore({ idleTtlMs });
    const store = new CachedSessionStore(record, { create: (c, s) => cache.create(c, s), find: (c, id) => cache.find(c, id), revoke: (c, id) => cache.revoke(c, id), revokeAllForUser: (c, id) => cache.revokeAllForUser(c, id) }, { idleTtlMs });
    const created = session();
    await store.create(ctx, created);

    cache = new InMemorySessionStore({ idleTtlMs });
    const found = await store.find(ctx, created.id);

    expect(found).toMatchObject({ id: created.id, userId: created.userId });
    expect(await cache.find(ctx, created.id)).toMatchObject({ id: created.id });
  });

  it('when the cache is down, then sessions are created and found in the record, and ending one fails closed', async () => {
    const store = new CachedSessionStore(new InMemorySessionStore({ idleTtlMs }), downCache, { idleTtlMs });
    const created = session();

    await store.create(ctx, created);

    expect(await store.find(ctx, created.id)).toMatchObject({ id: created.id });
    await expect(store.revoke(ctx, created.id)).rejects.toBeInstanceOf(DependencyUnavailableError);
  });

  it('when the record ended a session behind the cache’s back, then the cached copy goes too once the record is consulted', async () => {
    const record = new InMemorySessionStore({ idleTtlMs });
    const cache = new InMemorySessionStore({ idleTtlMs });
    const created = session();
    await new CachedSessionStore(record, cache, { idleTtlMs }).create(ctx, created);
    await record.revokeAllForUser(ctx, created.userId);

    // Another process: it has never slid this session, so it asks the record.
    const elsewhere = new CachedSessionStore(record, cache, { idleTtlMs });

    expect(await elsewhere.find(ctx, created.id)).toBeUndefined();
    expect(await cache.find(ctx, created.id)).toBeUndefined();
  });
});
