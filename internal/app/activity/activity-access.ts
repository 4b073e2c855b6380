import type { Context } from '../../domain/shared/context.ts';
import { UserNotFoundError } from '../../domain/user/user.errors.ts';
import type { UserRepository } from '../../domain/user/user-repository.ts';
import { canAccessUser } from '../access/access-policy.ts';

/**
 * A user's activity follows the user resource's rules: yourself, or anyone for
 * an admin; another user's (or a missing user's) activity is 404 USER_NOT_FOUND.
 * @throws AuthenticationRequiredError, UserNotFoundError
 */
export async function requireActivityAccess(ctx: Context, users: UserRepository, userId: string): Promise<void> {
  if (!canAccessUser(ctx, userId)) throw new UserNotFoundError(userId);
  if (!(await users.findById(ctx, userId))) throw new UserNotFoundError(userId);
}
