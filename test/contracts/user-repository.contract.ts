import { v7 as uuidv7 } from 'uuid';
import { testContext } from '../support/test-context.ts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Context } from '../../internal/domain/shared/context.ts';
import { ANY_VERSION, StaleVersionError, type ExpectedVersion } from '../../internal/domain/shared/version.ts';
import { changeUser, newUser, type User } from '../../internal/domain/user/user.ts';
import { EmailTakenError, UserNotFoundError } from '../../internal/domain/user/user.errors.ts';
import type { UserRepository } from '../../internal/domain/user/user-repository.ts';

export interface UserRepositoryFixture {
  readonly repo: UserRepository;
  /** Leaves the store as empty as `setup` found it. */
  readonly cleanup: () => void | Promise<void>;
}

// Built here rather than imported from test/: production folders may not import test code.

/**
 * The behaviour every `UserRepository` adapter must show. `setup` runs before
 * each test and must hand out an empty store; `cleanup` runs after it.
 */
export function describeUserRepositoryContract(name: string, setup: () => UserRepositoryFixture | Promise<UserRepositoryFixture>): void {
  describe(`UserRepository contract: ${name}`, () => {
    const ctx = testContext();
    let repo: UserRepository;
    let cleanup: UserRepositoryFixture['cleanup'];

    beforeEach(async () => {
      ({ repo, cleanup } = await setup());
    });

    afterEach(async () => {
      await cleanup();
    });

    const createUser = (email: string, roles?: string[]) =>
      repo.create(ctx, newUser(uuidv7(), { name: `User ${email}`, email, roles }));

    const createUsers = async (count: number, prefix = 'user') => {
      const users: User[] = [];
      for (let i = 0; i < count; i += 1) users.push(await createUser(`${prefix}${i}@example.com`));
      return users;
    };

    describe('create and findById', () => {
      it('when a user is created, then findById returns it with sorted roles, version 1 and timestamps', async () => {
        const input = newUser(uuidv7(), { name: 'Ada Lovelace', email: 'ada@example.com', roles: ['customer', 'admin'] });

        const created = await repo.create(ctx, input);
        const found = await repo.findById(ctx, input.id);

        expect(created).toMatchObject({ id: input.id, name: 'Ada Lovelace', email: 'ada@example.com', roles: ['admin', 'customer'], version: 1 });
        expect(created.createdAt).toBeInstanceOf(Date);
        expect(created.updatedAt).toBeInstanceOf(Date);
        expect(found).toEqual(created);
      });

      it('when no user has the id, then findById returns undefined', async () => {
        await createUser('someone@example.com');

        const found = await repo.findById(ctx, uuidv7());

        expect(found).toBeUndefined();
      });

      it('when read with serveById, then it answers what findById answers, not stale', async () => {
        const created = await createUser('someone@example.com');

        const served = await repo.serveById(ctx, created.id);
        const missing = await repo.serveById(ctx, uuidv7());

        expect(served.value).toEqual(await repo.findById(ctx, created.id));
        expect(served.stale).toBe(false);
        expect(missing.value).toBeUndefined();
      });

      it('when the caller mutates a returned user, then the stored user does not change', async () => {
        const created = await createUser('ada@example.com', ['customer']);
        const mutable = created as unknown as { name: string; roles: string[] };

        mutable.name = 'Mallory';
        mutable.roles.push('admin');
        const found = await repo.findById(ctx, created.id);

        expect(found).toMatchObject({ name: 'User ada@example.com', roles: ['customer'] });
      });
    });

    describe('email uniqueness', () => {
      it.each([
        ['the same email', 'ada@example.com'],
        ['the email in other letter case', 'ADA@Example.COM'],
      ])('when a second user is created with %s, then EmailTakenError is thrown and only the first exists', async (_, email) => {
        const first = await createUser('ada@example.com');

        const creating = createUser(email);

        await expect(creating).rejects.toBeInstanceOf(EmailTakenError);
        expect(await repo.list(ctx, { limit: 10 })).toEqual([first]);
      });

      it.each([
        ['the same email', 'ada@example.com'],
        ['the email in other letter case', 'Ada@EXAMPLE.com'],
      ])("when a user is updated to another user's email as %s, then EmailTakenError is thrown and nothing changes", async (_, email) => {
        await createUser('ada@example.com');
        const grace = await createUser('grace@example.com');

        const updating = repo.update(ctx, grace.id, ANY_VERSION, (user) => changeUser(user, { email }));

        await expect(updating).rejects.toBeInstanceOf(EmailTakenError);
        expect(await repo.findById(ctx, grace.id)).toEqual(grace);
      });

      it('when a user changes only the letter case of their own email, then it is saved', async () => {
        const ada = await createUser('ada@example.com');

        const updated = await repo.update(ctx, ada.id, ANY_VERSION, (user) => changeUser(user, { email: 'Ada@Example.com' }));

        expect(updated).toMatchObject({ email: 'Ada@Example.com', version: 2 });
      });
    });

    describe('list', () => {
      it('when users exist, then list returns at most `limit` of them in id order', async () => {
        const users = await createUsers(5);

        const page = await repo.list(ctx, { limit: 3 });

        expect(page).toEqual(users.slice(0, 3));
      });

      it('when afterId is given, then list returns only users with a greater id', async () => {
        const users = await createUsers(5);

        const page = await repo.list(ctx, { limit: 10, afterId: users[1]!.id });

        expect(page).toEqual(users.slice(2));
      });

      it('when afterId is the last id, then list returns no users', async () => {
        const users = await createUsers(3);

        const page = await repo.list(ctx, { limit: 10, afterId: users.at(-1)!.id });

        expect(page).toEqual([]);
      });

      it('when the store is empty, then list returns no users', async () => {
        const page = await repo.list(ctx, { limit: 10 });

        expect(page).toEqual([]);
      });

      it('when users are created between pages, then paging neither skips nor repeats any user', async () => {
        const existing = await createUsers(5, 'old');
        const seen: string[] = [];

        const first = await repo.list(ctx, { limit: 2 });
        seen.push(...first.map((user) => user.id));
        const added = await createUsers(2, 'new');
        let afterId = seen.at(-1);
        for (let page = await repo.list(ctx, { limit: 2, afterId }); page.length > 0; page = await repo.list(ctx, { limit: 2, afterId })) {
          seen.push(...page.map((user) => user.id));
          afterId = seen.at(-1);
        }

        expect(seen).toEqual([...existing, ...added].map((user) => user.id));
      });
    });

    describe('update', () => {
      it('when the expected version matches, then the change is saved and the version goes up by one', async () => {
        const ada = await createUser('ada@example.com');

        const updated = await repo.update(ctx, ada.id, { kind: 'one_of', versions: [1] }, (user) =>
          changeUser(user, { name: 'Ada King', email: 'countess@example.com' }),
        );

        expect(updated).toMatchObject({ id: ada.id, name: 'Ada King', email: 'countess@example.com', version: 2 });
        expect(updated.createdAt).toEqual(ada.createdAt);
        expect(updated.updatedAt.getTime()).toBeGreaterThanOrEqual(ada.updatedAt.getTime());
        expect(await repo.findById(ctx, ada.id)).toEqual(updated);
      });

      it.each<[string, ExpectedVersion]>([
        ['any version', ANY_VERSION],
        ['a list holding the current version', { kind: 'one_of', versions: [7, 2] }],
      ])('when the expected version is %s, then the change is saved', async (_, expected) => {
        const ada = await createUser('ada@example.com');
        await repo.update(ctx, ada.id, ANY_VERSION, (user) => changeUser(user, { name: 'Ada v2' }));

        const updated = await repo.update(ctx, ada.id, expected, (user) => changeUser(user, { name: 'Ada v3' }));

        expect(updated).toMatchObject({ name: 'Ada v3', version: 3 });
      });

      it.each<[string, ExpectedVersion]>([
        ['an older version', { kind: 'one_of', versions: [1] }],
        ['a newer version', { kind: 'one_of', versions: [3] }],
        ['an empty list', { kind: 'one_of', versions: [] }],
      ])('when the expected version is %s, then StaleVersionError is thrown and nothing changes', async (_, expected) => {
        const ada = await createUser('ada@example.com');
        const current = await repo.update(ctx, ada.id, ANY_VERSION, (user) => changeUser(user, { name: 'Ada v2' }));

        const updating = repo.update(ctx, ada.id, expected, (user) => changeUser(user, { name: 'Ada v3' }));

        await expect(updating).rejects.toBeInstanceOf(StaleVersionError);
        expect(await repo.findById(ctx, ada.id)).toEqual(current);
      });

      it('when no user has the id, then UserNotFoundError is thrown', async () => {
        const updating = repo.update(ctx, uuidv7(), ANY_VERSION, (user) => changeUser(user, { name: 'Nobody' }));

        await expect(updating).rejects.toBeInstanceOf(UserNotFoundError);
      });

      it('when the change returns the user unchanged, then the version and timestamps stay as they were', async () => {
        const ada = await createUser('ada@example.com');

        const updated = await repo.update(ctx, ada.id, ANY_VERSION, (user) => changeUser(user, { name: ada.name }));

        expect(updated).toEqual(ada);
        expect(await repo.findById(ctx, ada.id)).toEqual(ada);
      });

      it.each([
        [['customer'], ['admin', 'customer']],
        [['admin', 'customer'], ['admin']],
        [['customer'], ['admin']],
      ])('when the roles change from %j to %j, then the new roles are saved', async (before, after) => {
        const ada = await createUser('ada@example.com', before);

        const updated = await repo.update(ctx, ada.id, ANY_VERSION, (user) => changeUser(user, { roles: after }));

        expect(updated).toMatchObject({ roles: after, version: 2 });
        expect((await repo.findById(ctx, ada.id))?.roles).toEqual(after);
      });
    });

    describe('delete', () => {
      it.each<[string, ExpectedVersion]>([
        ['any version', ANY_VERSION],
        ['a list holding the current version', { kind: 'one_of', versions: [4, 1] }],
      ])('when the expected version is %s, then the user is removed', async (_, expected) => {
        const ada = await createUser('ada@example.com');
        const grace = await createUser('grace@example.com');

        await repo.delete(ctx, ada.id, expected);

        expect(await repo.findById(ctx, ada.id)).toBeUndefined();
        expect(await repo.list(ctx, { limit: 10 })).toEqual([grace]);
      });

      it('when no user has the id, then UserNotFoundError is thrown', async () => {
        const deleting = repo.delete(ctx, uuidv7(), ANY_VERSION);

        await expect(deleting).rejects.toBeInstanceOf(UserNotFoundError);
      });

      it.each<[string, ExpectedVersion]>([
        ['another version', { kind: 'one_of', versions: [2] }],
        ['an empty list', { kind: 'one_of', versions: [] }],
      ])('when the expected version is %s, then StaleVersionError is thrown and the user stays', async (_, expected) => {
        const ada = await createUser('ada@example.com');

        const deleting = repo.delete(ctx, ada.id, expected);

        await expect(deleting).rejects.toBeInstanceOf(StaleVersionError);
        expect(await repo.findById(ctx, ada.id)).toEqual(ada);
      });

      it('when a user is deleted, then its email is free again', async () => {
        const ada = await createUser('ada@example.com');
        await repo.delete(ctx, ada.id, ANY_VERSION);

        const again = await createUser('ADA@example.com');

        expect(await repo.list(ctx, { limit: 10 })).toEqual([again]);
      });
    });

    describe('cancellation', () => {
      it.each<[string, (repo: UserRepository, ctx: Context, user: User) => Promise<unknown>]>([
        ['create', (repo, ctx) => repo.create(ctx, newUser(uuidv7(), { name: 'Late', email: 'late@example.com' }))],
        ['findById', (repo, ctx, user) => repo.findById(ctx, user.id)],
        ['list', (repo, ctx) => repo.list(ctx, { limit: 10 })],
        ['update', (repo, ctx, user) => repo.update(ctx, user.id, ANY_VERSION, (u) => changeUser(u, { name: 'Late' }))],
        ['delete', (repo, ctx, user) => repo.delete(ctx, user.id, ANY_VERSION)],
      ])('when the context is already aborted, then %s rejects with the abort reason and nothing changes', async (_, call) => {
        const ada = await createUser('ada@example.com');
        const controller = new AbortController();
        const reason = new Error('the caller went away');
        controller.abort(reason);

        const calling = call(repo, { ...ctx, signal: controller.signal }, ada);

        await expect(calling).rejects.toBe(reason);
        expect(await repo.list(ctx, { limit: 10 })).toEqual([ada]);
      });
    });
  });
}
