import { requireAdmin } from '../access/access-policy.ts';
import type { Context } from '../../domain/shared/context.ts';
import { ANY_VERSION, type ExpectedVersion } from '../../domain/shared/version.ts';
import type { SessionStore } from '../../domain/identity/session-store.ts';
import type { UserRepository } from '../../domain/user/user-repository.ts';

export interface DeleteUserInput {
  readonly id: string;
  /** Optional for deletes: without it the latest version goes. */
  readonly expected?: ExpectedVersion | undefined;
}

export class DeleteUser {
  readonly #users: UserRepository;
  readonly #sessions: SessionStore;

  constructor(users: UserRepository, sessions: SessionStore) {
    this.#users = users;
    this.#sessions = sessions;
  }

  /** Admin only. */
  async execute(ctx: Context, input: DeleteUserInput): Promise<void> {
    requireAdmin(ctx, 'delete users');
    await this.#users.delete(ctx, input.id, input.expected ?? ANY_VERSION);
    await this.#revokeSessions(ctx, input.id);
  }

  // PostgreSQL drops the sessions with the user (foreign key); a Redis store does not.
  async #revokeSessions(ctx: Context, userId: string): Promise<void> {
    await this.#sessions.revokeAllForUser(ctx, userId);
  }
}
