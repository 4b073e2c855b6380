import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.ts';
import { testContext } from '../../../test/support/test-context.ts';
import { sessionLifetime, startSession } from '../../domain/identity/session.ts';
import { describeSessionStoreContract } from '../../../test/contracts/session-store.contract.ts';
import { issueSessionToken } from '../../domain/identity/session-token.ts';
import { ANY_VERSION } from '../../domain/shared/version.ts';
import { newUser } from '../../domain/user/user.ts';
import { UserNotFoundError } from '../../domain/user/user.errors.ts';
import { PostgresSessionStore } from './postgres-session-store.ts';
import { PostgresUserRepository } from './postgres-user-repository.ts';

const ctx = testContext();
let database: TestDatabase;
let users: PostgresUserRepository;

beforeAll(async () => {
  database = await createTestDatabase();
  users = new PostgresUserRepository(database.db);
});

afterAll(async () => {
  await database?.drop();
});

const newUserId = async () => {
  const id = uuidv7();
  await users.create(ctx, newUser(id, { name: 'Session Owner', email: `${id}@example.com` }));
  return id;
};

describeSessionStoreContract('PostgreSQL', ({ idleTtlMs }) => ({
  store: new PostgresSessionStore(database.db, { idleTtlMs }),
  newUserId,
  cleanup: async () => {
    await database.db.deleteFrom('sessions').execute();
  },
}));

describe('PostgresSessionStore', () => {
  const lifetime = sessionLifetime(60_000, 600_000);
  let now: Date;
  let store: PostgresSessionStore;

  beforeAll(() => {
    now = new Date();
    store = new PostgresSessionStore(database.db, { idleTtlMs: lifetime.idleTtlMs, now: () => now });
  });

  const expiresAtInTable = async (id: string) =>
    (await database.db.selectFrom('sessions').select('expires_at').where('id', '=', id).executeTakeFirstOrThrow()).expires_at;

  it('when more than half the idle TTL remains, then find does not write; once less remains, it renews', async () => {
    const session = startSession(lifetime, now, { id: issueSessionToken().sessionId, userId: await newUserId(), roles: ['customer'] });
    await store.create(ctx, session);

    now = new Date(session.createdAt.getTime() + 29_000);
    const early = await store.find(ctx, session.id);
    const afterEarly = await expiresAtInTable(session.id);
    now = new Date(session.createdAt.getTime() + 31_000);
    const late = await store.find(ctx, session.id);

    expect(early?.expiresAt).toEqual(session.expiresAt);
    expect(afterEarly).toEqual(session.expiresAt);
    expect(late?.expiresAt).toEqual(new Date(now.getTime() + lifetime.idleTtlMs));
    expect(await expiresAtInTable(session.id)).toEqual(late?.expiresAt);
  });

  it('when the user is deleted, then the database drops their sessions', async () => {
    const userId = await newUserId();
    const session = startSession(lifetime, now, { id: issueSessionToken().sessionId, userId, roles: ['customer'] });
    await store.create(ctx, session);

    await users.delete(ctx, userId, ANY_VERSION);

    expect(await store.find(ctx, session.id)).toBeUndefined();
  });

  it('when a session is created for a user that does not exist, then UserNotFoundError is thrown', async () => {
    const session = startSession(lifetime, now, { id: issueSessionToken().sessionId, userId: uuidv7(), roles: ['customer'] });

    await expect(store.create(ctx, session)).rejects.toBeInstanceOf(UserNotFoundError);
  });

  it('when expired sessions are purged, then only expired ones go, in batches of the given size', async () => {
    await database.db.deleteFrom('sessions').execute();
    const userId = await newUserId();
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const session = startSession(lifetime, now, { id: issueSessionToken().sessionId, userId, roles: ['customer'] });
      ids.push(session.id);
      await store.create(ctx, session);
    }
    const live = startSession(lifetime, new Date(now.getTime() + lifetime.idleTtlMs), { id: issueSessionToken().sessionId, userId, roles: ['customer'] });
    await store.create(ctx, live);
    now = new Date(now.getTime() + lifetime.idleTtlMs + 1);

    const first = await store.purgeExpired(ctx, 2);
    const second = await store.purgeExpired(ctx, 2);
    const third = await store.purgeExpired(ctx, 2);

    expect([first, second, third]).toEqual([2, 1, 0]);
    const left = await database.db.selectFrom('sessions').select('id').execute();
    expect(left.map((row) => row.id)).toEqual([live.id]);
  });
});
