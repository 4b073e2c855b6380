import type { Context } from '../../domain/shared/context.ts';
import { AuthenticationRequiredError } from '../../domain/identity/identity.errors.ts';
import type { User } from '../../domain/user/user.ts';
import type { UserRepository } from '../../domain/user/user-repository.ts';
import { requirePrincipal } from '../access/access-policy.ts';

/** GET /me: the signed-in user as stored now (roles may be newer than the session's). */
export class GetCurrentUser {
  readonly #users: UserRepository;

  constructor(users: UserRepository) {
    this.#users = users;
  }

  /** @throws AuthenticationRequiredError */
  async execute(ctx: Context): Promise<User> {
    const principal = requirePrincipal(ctx);
    const user = await this.#users.findById(ctx, principal.userId);
    // Deleting a user revokes their sessions; this covers a request racing the deletion.
    if (!user) throw new AuthenticationRequiredError('INVALID_TOKEN', 'the account of this session no longer exists');
    return user;
  }
}
