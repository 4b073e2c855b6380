import type { Context } from '../../internal/domain/shared/context.ts';
import type { Credentials, CredentialsRepository } from '../../internal/domain/identity/credentials-repository.ts';
import { sameEmail, type NewUser, type User } from '../../internal/domain/user/user.ts';
import { UserNotFoundError } from '../../internal/domain/user/user.errors.ts';
import type { InMemoryUserRepository } from './in-memory-user-repository.ts';

/** Password hashes beside an `InMemoryUserRepository`, like the column beside the users table; for use-case tests. */
export class InMemoryCredentialsRepository implements CredentialsRepository {
  readonly #users: InMemoryUserRepository;
  readonly #hashes = new Map<string, string>();

  constructor(users: InMemoryUserRepository) {
    this.#users = users;
  }

  async findByEmail(ctx: Context, email: string): Promise<Credentials | undefined> {
    const user = await this.#findUserByEmail(ctx, email.trim());
    return user && { userId: user.id, passwordHash: this.#hashes.get(user.id) };
  }

  async createWithPassword(ctx: Context, user: NewUser, passwordHash: string): Promise<User> {
    const created = await this.#users.create(ctx, user);
    this.#hashes.set(created.id, passwordHash);
    return created;
  }

  async setPasswordHash(ctx: Context, userId: string, passwordHash: string): Promise<void> {
    if (!(await this.#users.findById(ctx, userId))) throw new UserNotFoundError(userId);
    this.#hashes.set(userId, passwordHash);
  }

  async #findUserByEmail(ctx: Context, email: string): Promise<User | undefined> {
    let afterId: string | undefined;
    for (;;) {
      const page = await this.#users.list(ctx, { limit: 500, afterId });
      const match = page.find((user) => sameEmail(user.email, email));
      if (match || page.length === 0) return match;
      afterId = page.at(-1)?.id;
    }
  }
}
