import { requireAdmin } from '../access/access-policy.ts';
import type { Context } from '../../domain/shared/context.ts';
import { newUser, type User } from '../../domain/user/user.ts';
import type { UserRepository } from '../../domain/user/user-repository.ts';

export interface CreateUserInput {
  readonly name: string;
  readonly email: string;
  readonly roles?: readonly string[] | undefined;
}

export class CreateUser {
  readonly #users: UserRepository;
  readonly #newId: () => string;

  constructor(users: UserRepository, newId: () => string) {
    this.#users = users;
    this.#newId = newId;
  }

  /** Admin only: customers register themselves through auth. */
  async execute(ctx: Context, input: CreateUserInput): Promise<User> {
    requireAdmin(ctx, 'create users');
    const user = newUser(this.#newId(), input);
    return this.#users.create(ctx, user);
  }
}
