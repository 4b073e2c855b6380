import { requireAdmin } from '../access/access-policy.ts';
import type { Context } from '../../domain/shared/context.ts';
import type { User } from '../../domain/user/user.ts';
import type { UserRepository } from '../../domain/user/user-repository.ts';
import { decodeUserCursor, encodeUserCursor } from './user-cursor.ts';
import type { CursorSeal } from '../shared/cursor-seal.ts';

export interface ListUsersInput {
  readonly limit: number;
  readonly cursor?: string | undefined;
}

export interface UserPage {
  readonly items: readonly User[];
  readonly nextCursor: string | null;
}

export class ListUsers {
  readonly #users: UserRepository;
  readonly #cursors: CursorSeal;

  constructor(users: UserRepository, cursors: CursorSeal) {
    this.#users = users;
    this.#cursors = cursors;
  }

  /** Admin only. */
  async execute(ctx: Context, input: ListUsersInput): Promise<UserPage> {
    requireAdmin(ctx, 'list users');
    const afterId = input.cursor === undefined ? undefined : decodeUserCursor(this.#cursors.open(input.cursor));
    // One extra row tells whether another page exists without a count query.
    const rows = await this.#users.list(ctx, { limit: input.limit + 1, afterId });
    const items = rows.slice(0, input.limit);
    const last = items.at(-1);
    const nextCursor = rows.length > input.limit && last ? this.#cursors.seal(encodeUserCursor(last.id)) : null;
    return { items, nextCursor };
  }
}
