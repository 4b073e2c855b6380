import { canAccessUser, requireAdmin } from '../access/access-policy.ts';
import { UserNotFoundError } from '../../domain/user/user.errors.ts';
import type { Context } from '../../domain/shared/context.ts';
import { VersionRequiredError, type ExpectedVersion } from '../../domain/shared/version.ts';
import type { SessionStore } from '../../domain/identity/session-store.ts';
import { changeUser, sameRoles, type Role, type User, type UserChanges } from '../../domain/user/user.ts';
import type { UserRepository } from '../../domain/user/user-repository.ts';

export interface UpdateUserInput {
  readonly id: string;
  /** Absent when the caller did not say which version it read. */
  readonly expected: ExpectedVersion | undefined;
  readonly changes: UserChanges;
}

export class UpdateUser {
  readonly #users: UserRepository;
  readonly #sessions: SessionStore;

  constructor(users: UserRepository, sessions: SessionStore) {
    this.#users = users;
    this.#sessions = sessions;
  }

  /** A customer changes only their own name and email; roles are the admins' to change. */
  async execute(ctx: Context, input: UpdateUserInput): Promise<User> {
    if (!canAccessUser(ctx, input.id)) throw new UserNotFoundError(input.id);
    if (input.changes.roles !== undefined) requireAdmin(ctx, 'change roles');
    if (!input.expected) throw new VersionRequiredError('user');
    let rolesBefore: readonly Role[] | undefined;
    const updated = await this.#users.update(ctx, input.id, input.expected, (user) => {
      rolesBefore = user.roles;
      return changeUser(user, input.changes);
    });
    await this.#revokeSessionsIfRolesChanged(ctx, updated, rolesBefore);
    return updated;
  }

  // Sessions carry the roles of their login: once roles change, the user signs in again.
  async #revokeSessionsIfRolesChanged(ctx: Context, user: User, rolesBefore: readonly Role[] | undefined): Promise<void> {
    if (rolesBefore === undefined || sameRoles(rolesBefore, user.roles)) return;
    await this.#sessions.revokeAllForUser(ctx, user.id);
  }
}
