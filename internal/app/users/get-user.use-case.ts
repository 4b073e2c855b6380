import { canAccessUser } from '../access/access-policy.ts';
import type { Context } from '../../domain/shared/context.ts';
import type { Served } from '../../domain/shared/served.ts';
import type { User } from '../../domain/user/user.ts';
import { UserNotFoundError } from '../../domain/user/user.errors.ts';
import type { UserRepository } from '../../domain/user/user-repository.ts';

export class GetUser {
  readonly #users: UserRepository;

  constructor(users: UserRepository) {
    this.#users = users;
  }

  /**
   * Yourself, or anyone for an admin; another user's id answers as a missing one does.
   * Says how the user was served (from a cache, stale) so the transport can tell.
   */
  async execute(ctx: Context, id: string): Promise<Served<User>> {
    if (!canAccessUser(ctx, id)) throw new UserNotFoundError(id);
    const served = await this.#users.serveById(ctx, id);
    const user = served.value;
    if (!user) throw new UserNotFoundError(id);
    return { ...served, value: user };
  }
}
