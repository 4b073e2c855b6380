import type { Context } from '../shared/context.ts';
import type { Served } from '../shared/served.ts';
import type { ExpectedVersion } from '../shared/version.ts';
import type { NewUser, User } from './user.ts';

/** Where users live. Every method honours `ctx.signal`. */
export interface UserRepository {
  /** @throws EmailTakenError */
  create(ctx: Context, user: NewUser): Promise<User>;

  findById(ctx: Context, id: string): Promise<User | undefined>;

  /** What `findById` answers, and how it was served (from a cache, stale): for reads that report it. */
  serveById(ctx: Context, id: string): Promise<Served<User | undefined>>;

  /** Users in id order (ids are time-ordered), strictly after `afterId`. */
  list(ctx: Context, page: { readonly limit: number; readonly afterId?: string | undefined }): Promise<User[]>;

  /**
   * Locks the user, checks its version, applies `change` and saves the result
   * with the version bumped; a change that returns the same object is a no-op.
   * @throws UserNotFoundError, StaleVersionError, EmailTakenError
   */
  update(ctx: Context, id: string, expected: ExpectedVersion, change: (user: User) => User): Promise<User>;

  /** @throws UserNotFoundError, StaleVersionError */
  delete(ctx: Context, id: string, expected: ExpectedVersion): Promise<void>;
}
