import { v7 as uuidv7 } from 'uuid';
import { beforeEach, describe, expect, it } from 'vitest';
import { asAdmin, testContext } from '../../../test/support/test-context.ts';
import { InMemorySessionStore } from '../../../test/doubles/in-memory-session-store.ts';
import { InMemoryUserRepository } from '../../../test/doubles/in-memory-user-repository.ts';
import { sessionLifetime, startSession } from '../../domain/identity/session.ts';
import { issueSessionToken } from '../../domain/identity/session-token.ts';
import { ValidationError } from '../../domain/shared/domain-error.ts';
import { StaleVersionError, VersionRequiredError } from '../../domain/shared/version.ts';
import type { User } from '../../domain/user/user.ts';
import { EmailTakenError, UserNotFoundError } from '../../domain/user/user.errors.ts';
import { CreateUser } from './create-user.use-case.ts';
import { DeleteUser } from './delete-user.use-case.ts';
import { GetUser } from './get-user.use-case.ts';
import { ListUsers } from './list-users.use-case.ts';
import { UpdateUser } from './update-user.use-case.ts';
import { InvalidCursorError } from './user-cursor.ts';
import { testCursorSeal } from '../../../test/support/cursor-seal.ts';

// The repository and the session store take any context; the use-cases are called as an admin
// (who may do everything), so these tests are about behaviour: users.access.test.ts is about who may.
const ctx = testContext();
const admin = asAdmin();
let users: InMemoryUserRepository;
let sessions: InMemorySessionStore;
let createUser: CreateUser;

beforeEach(() => {
  users = new InMemoryUserRepository();
  sessions = new InMemorySessionStore({ idleTtlMs: 60_000 });
  createUser = new CreateUser(users, uuidv7);
});

const anExisting = (email = 'ada@example.com') => createUser.execute(admin, { name: 'Ada Lovelace', email });

describe('CreateUser', () => {
  it('when no roles are given, then the user is stored as a customer at version 1', async () => {
    const user = await createUser.execute(admin, { name: ' Ada Lovelace ', email: 'ada@example.com' });

    expect(user).toMatchObject({ name: 'Ada Lovelace', email: 'ada@example.com', roles: ['customer'], version: 1 });
    expect(await users.findById(ctx, user.id)).toEqual(user);
  });

  it('when roles are given, then the user has exactly those roles', async () => {
    const user = await createUser.execute(admin, { name: 'Ada', email: 'ada@example.com', roles: ['admin'] });

    expect(user.roles).toEqual(['admin']);
  });

  it('when the input is invalid, then ValidationError is thrown and nothing is stored', async () => {
    const creating = createUser.execute(admin, { name: '', email: 'ada@example.com' });

    await expect(creating).rejects.toBeInstanceOf(ValidationError);
    expect(await users.list(ctx, { limit: 10 })).toEqual([]);
  });

  it('when the email is taken in another letter case, then EmailTakenError is thrown', async () => {
    await anExisting('ada@example.com');

    const creating = createUser.execute(admin, { name: 'Other Ada', email: 'ADA@example.com' });

    await expect(creating).rejects.toBeInstanceOf(EmailTakenError);
  });
});

describe('GetUser', () => {
  it('when the user exists, then it is returned, served by the repository (no cache in front, not stale)', async () => {
    const ada = await anExisting();

    const found = await new GetUser(users).execute(admin, ada.id);

    expect(found).toEqual({ value: ada, stale: false });
    expect(found.cache).toBeUndefined();
  });

  it('when no user has the id, then UserNotFoundError is thrown', async () => {
    const getting = new GetUser(users).execute(admin, uuidv7());

    await expect(getting).rejects.toBeInstanceOf(UserNotFoundError);
  });
});

describe('ListUsers', () => {
  it('when 7 users are paged through 3 at a time, then the pages hold 3, 3 and 1 users and the last has no next cursor', async () => {
    const created: User[] = [];
    for (let i = 0; i < 7; i += 1) created.push(await anExisting(`user${i}@example.com`));
    const listUsers = new ListUsers(users, testCursorSeal());

    const first = await listUsers.execute(admin, { limit: 3 });
    const second = await listUsers.execute(admin, { limit: 3, cursor: first.nextCursor ?? undefined });
    const third = await listUsers.execute(admin, { limit: 3, cursor: second.nextCursor ?? undefined });

    expect([first, second, third].map((page) => page.items.length)).toEqual([3, 3, 1]);
    expect(first.nextCursor).toEqual(expect.any(String));
    expect(second.nextCursor).toEqual(expect.any(String));
    expect(third.nextCursor).toBeNull();
    expect([...first.items, ...second.items, ...third.items]).toEqual(created);
  });

  it('when the users fill the last page exactly, then that page has no next cursor', async () => {
    for (let i = 0; i < 3; i += 1) await anExisting(`user${i}@example.com`);

    const page = await new ListUsers(users, testCursorSeal()).execute(admin, { limit: 3 });

    expect(page.items).toHaveLength(3);
    expect(page.nextCursor).toBeNull();
  });

  it('when the cursor was not handed out by the service, then InvalidCursorError is thrown', async () => {
    const listing = new ListUsers(users, testCursorSeal()).execute(admin, { limit: 3, cursor: 'not-a-cursor' });

    await expect(listing).rejects.toBeInstanceOf(InvalidCursorError);
  });
});

describe('UpdateUser', () => {
  it('when the expected version matches, then the changes are saved with the next version', async () => {
    const ada = await anExisting();

    const updated = await new UpdateUser(users, sessions).execute(admin, {
      id: ada.id,
      expected: { kind: 'one_of', versions: [1] },
      changes: { name: 'Ada King', roles: ['admin', 'customer'] },
    });

    expect(updated).toMatchObject({ name: 'Ada King', roles: ['admin', 'customer'], version: 2 });
    expect(await users.findById(ctx, ada.id)).toEqual(updated);
  });

  it('when no expected version is given, then VersionRequiredError is thrown and nothing changes', async () => {
    const ada = await anExisting();

    const updating = new UpdateUser(users, sessions).execute(admin, { id: ada.id, expected: undefined, changes: { name: 'Ada King' } });

    await expect(updating).rejects.toBeInstanceOf(VersionRequiredError);
    expect(await users.findById(ctx, ada.id)).toEqual(ada);
  });

  it('when the expected version is stale, then StaleVersionError is thrown and nothing changes', async () => {
    const ada = await anExisting();
    const updateUser = new UpdateUser(users, sessions);
    const current = await updateUser.execute(admin, { id: ada.id, expected: { kind: 'one_of', versions: [1] }, changes: { name: 'Ada v2' } });

    const updating = updateUser.execute(admin, { id: ada.id, expected: { kind: 'one_of', versions: [1] }, changes: { name: 'Ada v3' } });

    await expect(updating).rejects.toBeInstanceOf(StaleVersionError);
    expect(await users.findById(ctx, ada.id)).toEqual(current);
  });

  it('when a change is invalid, then ValidationError is thrown and nothing changes', async () => {
    const ada = await anExisting();

    const updating = new UpdateUser(users, sessions).execute(admin, { id: ada.id, expected: { kind: 'any' }, changes: { email: 'nope' } });

    await expect(updating).rejects.toBeInstanceOf(ValidationError);
    expect(await users.findById(ctx, ada.id)).toEqual(ada);
  });
});

describe('DeleteUser', () => {
  it.each([
    ['no expected version', undefined],
    ['the current version', { kind: 'one_of' as const, versions: [1] }],
  ])('when deleting with %s, then the user is gone', async (_, expected) => {
    const ada = await anExisting();

    await new DeleteUser(users, sessions).execute(admin, { id: ada.id, expected });

    expect(await users.findById(ctx, ada.id)).toBeUndefined();
  });

  it('when the expected version is stale, then StaleVersionError is thrown and the user stays', async () => {
    const ada = await anExisting();

    const deleting = new DeleteUser(users, sessions).execute(admin, { id: ada.id, expected: { kind: 'one_of', versions: [2] } });

    await expect(deleting).rejects.toBeInstanceOf(StaleVersionError);
    expect(await users.findById(ctx, ada.id)).toEqual(ada);
  });

  it('when no user has the id, then UserNotFoundError is thrown', async () => {
    const deleting = new DeleteUser(users, sessions).execute(admin, { id: uuidv7() });

    await expect(deleting).rejects.toBeInstanceOf(UserNotFoundError);
  });
});

describe('session revocation', () => {
  const aSessionOf = async (user: User) => {
    const session = startSession(sessionLifetime(60_000, 600_000), new Date(), { id: issueSessionToken().sessionId, userId: user.id, roles: user.roles });
    await sessions.create(ctx, session);
    return session.id;
  };

  it.each([
    ['the roles change', { roles: ['admin', 'customer'] }, true],
    ['only the name changes', { name: 'Ada King' }, false],
    ['the same roles are sent again', { roles: ['customer'] }, false],
  ])('when %s, then the user\'s sessions are revoked: %s; other users\' sessions stay', async (_, changes, revoked) => {
    const ada = await anExisting('ada@example.com');
    const grace = await anExisting('grace@example.com');
    const [adas, graces] = [await aSessionOf(ada), await aSessionOf(grace)];

    await new UpdateUser(users, sessions).execute(admin, { id: ada.id, expected: { kind: 'any' }, changes });

    expect(await sessions.find(ctx, adas)).toEqual(revoked ? undefined : expect.objectContaining({ userId: ada.id }));
    expect(await sessions.find(ctx, graces)).toMatchObject({ userId: grace.id });
  });

  it('when the update is refused, then the sessions stay', async () => {
    const ada = await anExisting();
    const session = await aSessionOf(ada);

    const updating = new UpdateUser(users, sessions).execute(admin, { id: ada.id, expected: { kind: 'one_of', versions: [9] }, changes: { roles: ['admin'] } });

    await expect(updating).rejects.toBeInstanceOf(StaleVersionError);
    expect(await sessions.find(ctx, session)).toMatchObject({ userId: ada.id });
  });

  it('when a user is deleted, then all their sessions are revoked and other users\' sessions stay', async () => {
    const ada = await anExisting('ada@example.com');
    const grace = await anExisting('grace@example.com');
    const adas = [await aSessionOf(ada), await aSessionOf(ada)];
    const graces = await aSessionOf(grace);

    await new DeleteUser(users, sessions).execute(admin, { id: ada.id });

    for (const id of adas) expect(await sessions.find(ctx, id)).toBeUndefined();
    expect(await sessions.find(ctx, graces)).toMatchObject({ userId: grace.id });
  });

  it('when the delete is refused, then the sessions stay', async () => {
    const ada = await anExisting();
    const session = await aSessionOf(ada);

    await expect(new DeleteUser(users, sessions).execute(admin, { id: ada.id, expected: { kind: 'one_of', versions: [9] } })).rejects.toBeInstanceOf(StaleVersionError);
    expect(await sessions.find(ctx, session)).toMatchObject({ userId: ada.id });
  });
});
