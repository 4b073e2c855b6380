import { v7 as uuidv7 } from 'uuid';
import { testContext } from '../support/test-context.ts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ANY_VERSION } from '../../internal/domain/shared/version.ts';
import { changeUser, newUser } from '../../internal/domain/user/user.ts';
import { EmailTakenError, UserNotFoundError } from '../../internal/domain/user/user.errors.ts';
import type { UserRepository } from '../../internal/domain/user/user-repository.ts';
import type { CredentialsRepository } from '../../internal/domain/identity/credentials-repository.ts';

export interface CredentialsRepositoryFixture {
  readonly credentials: CredentialsRepository;
  /** The users the credentials belong to, over the same storage. */
  readonly users: UserRepository;
  readonly cleanup: () => void | Promise<void>;
}


/** The behaviour every `CredentialsRepository` adapter must show; `setup` hands out empty storage. */
export function describeCredentialsRepositoryContract(
  name: string,
  setup: () => CredentialsRepositoryFixture | Promise<CredentialsRepositoryFixture>,
): void {
  describe(`CredentialsRepository contract: ${name}`, () => {
    const ctx = testContext();
    let credentials: CredentialsRepository;
    let users: UserRepository;
    let cleanup: CredentialsRepositoryFixture['cleanup'];

    beforeEach(async () => {
      ({ credentials, users, cleanup } = await setup());
    });

    afterEach(async () => {
      await cleanup();
    });

    const ada = () => newUser(uuidv7(), { name: 'Ada Lovelace', email: 'Ada@Example.com' });

    it('when a user is created with a password, then it is a user like any other and its hash is found by email in any letter case', async () => {
      const input = ada();

      const created = await credentials.createWithPassword(ctx, input, 'hash-1');

      expect(created).toMatchObject({ id: input.id, name: 'Ada Lovelace', email: 'Ada@Example.com', roles: ['customer'], version: 1 });
      expect(await users.findById(ctx, input.id)).toEqual(created);
      expect(await credentials.findByEmail(ctx, ' ada@EXAMPLE.com ')).toEqual({ userId: input.id, passwordHash: 'hash-1' });
    });

    it('when the email is already taken, then EmailTakenError is thrown and nothing is created', async () => {
      const first = await credentials.createWithPassword(ctx, ada(), 'hash-1');

      const creating = credentials.createWithPassword(ctx, newUser(uuidv7(), { name: 'Other', email: 'ADA@example.com' }), 'hash-2');

      await expect(creating).rejects.toBeInstanceOf(EmailTakenError);
      expect(await users.list(ctx, { limit: 10 })).toEqual([first]);
      expect(await credentials.findByEmail(ctx, 'ada@example.com')).toEqual({ userId: first.id, passwordHash: 'hash-1' });
    });

    it('when a user was created without a password, then it is found with no hash', async () => {
      const user = await users.create(ctx, ada());

      expect(await credentials.findByEmail(ctx, 'ada@example.com')).toEqual({ userId: user.id, passwordHash: undefined });
    });

    it('when no user has the email, then findByEmail returns undefined', async () => {
      await credentials.createWithPassword(ctx, ada(), 'hash-1');

      expect(await credentials.findByEmail(ctx, 'grace@example.com')).toBeUndefined();
    });

    it('when a password hash is set, then it replaces the old one and the user (and its version) stays as it was', async () => {
      const user = await users.create(ctx, ada());

      await credentials.setPasswordHash(ctx, user.id, 'hash-2');

      expect(await credentials.findByEmail(ctx, user.email)).toEqual({ userId: user.id, passwordHash: 'hash-2' });
      expect(await users.findById(ctx, user.id)).toEqual(user);
    });

    it('when the user changes their email, then the hash is found under the new email only', async () => {
      const user = await credentials.createWithPassword(ctx, ada(), 'hash-1');

      await users.update(ctx, user.id, ANY_VERSION, (current) => changeUser(current, { email: 'countess@example.com' }));

      expect(await credentials.findByEmail(ctx, 'countess@example.com')).toEqual({ userId: user.id, passwordHash: 'hash-1' });
      expect(await credentials.findByEmail(ctx, 'ada@example.com')).toBeUndefined();
    });

    it('when no user has the id, then setPasswordHash throws UserNotFoundError', async () => {
      await expect(credentials.setPasswordHash(ctx, uuidv7(), 'hash')).rejects.toBeInstanceOf(UserNotFoundError);
    });

    it('when the context is already aborted, then createWithPassword rejects with the abort reason and nothing is created', async () => {
      const controller = new AbortController();
      const reason = new Error('the caller went away');
      controller.abort(reason);

      await expect(credentials.createWithPassword(testContext(controller.signal), ada(), 'hash')).rejects.toBe(reason);
      expect(await users.list(ctx, { limit: 10 })).toEqual([]);
    });
  });
}
