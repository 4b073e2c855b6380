import type { Context } from '../../domain/shared/context.ts';
import { VersionRequiredError, type ExpectedVersion } from '../../domain/shared/version.ts';
import { changeUser, type User, type UserChanges } from '../../domain/user/user.ts';
import type { UserRepository } from '../../domain/user/user-repository.ts';

export interface UpdateUserInput {
  readonly id: string;
  /** Absent when the caller did not say which version it read. */
  readonly expected: ExpectedVersion | undefined;
  readonly changes: UserChanges;
}

export class UpdateUser {
  readonly #users: UserRepository;

  constructor(users: UserRepository) {
    this.#users = users;
  }

  async execute(ctx: Context, input: UpdateUserInput): Promise<User> {
    if (!input.expected) throw new VersionRequiredError('user');
    return this.#users.update(ctx, input.id, input.expected, (user) => changeUser(user, input.changes));
  }
}
