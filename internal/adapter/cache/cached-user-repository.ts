import type { Context } from '../../domain/shared/context.ts';
import type { Served } from '../../domain/shared/served.ts';
import type { ExpectedVersion } from '../../domain/shared/version.ts';
import type { NewUser, User } from '../../domain/user/user.ts';
import type { UserRepository } from '../../domain/user/user-repository.ts';
import type { TwoLevelCache } from './two-level-cache.ts';

/** Reads of one user go through the two-level cache; writes go through to it. */
export class CachedUserRepository implements UserRepository {
  readonly #inner: UserRepository;
  readonly #cache: TwoLevelCache<User>;

  constructor(inner: UserRepository, cache: TwoLevelCache<User>) {
    this.#inner = inner;
    this.#cache = cache;
  }

  async findById(ctx: Context, id: string): Promise<User | undefined> {
    return (await this.serveById(ctx, id)).value;
  }

  serveById(ctx: Context, id: string): Promise<Served<User | undefined>> {
    return this.#cache.get(ctx, id, (signal) => this.#inner.findById({ ...ctx, signal }, id));
  }

  list(ctx: Context, page: { readonly limit: number; readonly afterId?: string | undefined }): Promise<User[]> {
    return this.#inner.list(ctx, page);
  }

  async create(ctx: Context, user: NewUser): Promise<User> {
    const created = await this.#inner.create(ctx, user);
    await this.#cache.put(ctx, created.id, created);
    return created;
  }

  async update(ctx: Context, id: string, expected: ExpectedVersion, change: (user: User) => User): Promise<User> {
    const updated = await this.#inner.update(ctx, id, expected, change);
    await this.#cache.put(ctx, id, updated);
    return updated;
  }

  /**
   * Reads the user from the inner repository into the cache: after a change
   * made by someone who could not update the cache (another process). The
   * cache keeps versions in order, so this never brings an older one back.
   */
  async refresh(ctx: Context, id: string): Promise<void> {
    const current = await this.#inner.findById(ctx, id);
    if (current) await this.#cache.put(ctx, id, current);
    else await this.#cache.remove(ctx, id);
  }

  async delete(ctx: Context, id: string, expected: ExpectedVersion): Promise<void> {
    await this.#inner.delete(ctx, id, expected);
    await this.#cache.remove(ctx, id);
  }
}
