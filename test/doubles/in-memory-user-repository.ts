import type { Context } from '../../internal/domain/shared/context.ts';
import { servedBySource, type Served } from '../../internal/domain/shared/served.ts';
import { StaleVersionError, versionMatches, type ExpectedVersion } from '../../internal/domain/shared/version.ts';
import { sameEmail, type NewUser, type User } from '../../internal/domain/user/user.ts';
import { EmailTakenError, UserNotFoundError } from '../../internal/domain/user/user.errors.ts';
import type { UserRepository } from '../../internal/domain/user/user-repository.ts';

/** Keeps users in a map and behaves like the PostgreSQL adapter; for use-case tests. */
export class InMemoryUserRepository implements UserRepository {
  readonly #users = new Map<string, User>();
  readonly #now: () => Date;

  constructor(now: () => Date = () => new Date()) {
    this.#now = now;
  }

  create(ctx: Context, user: NewUser): Promise<User> {
    return settle(ctx, () => {
      if (this.#users.has(user.id)) throw new Error(`a user with id ${user.id} already exists`);
      this.#assertEmailFree(user.email, user.id);
      const now = this.#now();
      const created: User = { ...user, roles: [...user.roles].sort(), version: 1, createdAt: now, updatedAt: now };
      this.#users.set(user.id, created);
      return copy(created);
    });
  }

  // No cache in front: the source itself answers.
  async serveById(ctx: Context, id: string): Promise<Served<User | undefined>> {
    return servedBySource(await this.findById(ctx, id));
  }

  findById(ctx: Context, id: string): Promise<User | undefined> {
    return settle(ctx, () => {
      const user = this.#users.get(id);
      return user && copy(user);
    });
  }

  list(ctx: Context, page: { readonly limit: number; readonly afterId?: string | undefined }): Promise<User[]> {
    return settle(ctx, () => {
      const { afterId } = page;
      return [...this.#users.values()]
        .filter((user) => afterId === undefined || user.id > afterId)
        .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
        .slice(0, page.limit)
        .map(copy);
    });
  }

  update(ctx: Context, id: string, expected: ExpectedVersion, change: (user: User) => User): Promise<User> {
    return settle(ctx, () => {
      const stored = this.#stored(id, expected);
      const current = copy(stored);
      const next = change(current);
      if (next === current) return current;
      this.#assertEmailFree(next.email, id);
      const saved: User = {
        ...stored,
        name: next.name,
        email: next.email,
        roles: [...next.roles].sort(),
        version: stored.version + 1,
        updatedAt: this.#now(),
      };
      this.#users.set(id, saved);
      return copy(saved);
    });
  }

  delete(ctx: Context, id: string, expected: ExpectedVersion): Promise<void> {
    return settle(ctx, () => {
      this.#stored(id, expected);
      this.#users.delete(id);
    });
  }

  #stored(id: string, expected: ExpectedVersion): User {
    const stored = this.#users.get(id);
    if (!stored) throw new UserNotFoundError(id);
    if (!versionMatches(expected, stored.version)) throw new StaleVersionError('user');
    return stored;
  }

  #assertEmailFree(email: string, ownerId: string): void {
    for (const user of this.#users.values()) {
      if (user.id !== ownerId && sameEmail(user.email, email)) throw new EmailTakenError(email);
    }
  }
}

// Runs `work` as a rejected-or-resolved promise, like a real store, after checking the deadline.
function settle<T>(ctx: Context, work: () => T): Promise<T> {
  return new Promise((resolve) => {
    ctx.signal.throwIfAborted();
    resolve(work());
  });
}

function copy(user: User): User {
  return { ...user, roles: [...user.roles], createdAt: new Date(user.createdAt), updatedAt: new Date(user.updatedAt) };
}
