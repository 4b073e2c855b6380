import { canAccessUser } from '../access/access-policy.ts';
import type { Context } from '../../domain/shared/context.ts';
import type { User } from '../../domain/user/user.ts';
import { UserNotFoundError } from '../../domain/user/user.errors.ts';
import type { UserRepository } from '../../domain/user/user-repository.ts';

export class GetUser {
  readonly #users: UserRepository;

  constructor(users: UserRepository) {
    this.#users = users;
  }

  /** Yourself, or anyone for an admin; another user's id answers as a missing one does. */
  async execute(ctx: Context, id: string): Promise<User> {
    if (!canAccessUser(ctx, id)) throw new UserNotFoundError(id);
    const user = await this.#users.findById(ctx, id);
    if (!user) throw new UserNotFoundError(id);
    return user;
  }
}
