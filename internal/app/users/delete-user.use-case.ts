import type { Context } from '../../domain/shared/context.ts';
import { ANY_VERSION, type ExpectedVersion } from '../../domain/shared/version.ts';
import type { UserRepository } from '../../domain/user/user-repository.ts';

export interface DeleteUserInput {
  readonly id: string;
  /** Optional for deletes: without it the latest version goes. */
  readonly expected?: ExpectedVersion | undefined;
}

export class DeleteUser {
  readonly #users: UserRepository;

  constructor(users: UserRepository) {
    this.#users = users;
  }

  async execute(ctx: Context, input: DeleteUserInput): Promise<void> {
    await this.#users.delete(ctx, input.id, input.expected ?? ANY_VERSION);
  }
}
