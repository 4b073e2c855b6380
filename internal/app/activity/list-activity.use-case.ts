import type { ActivityEvent } from '../../domain/activity/activity-event.ts';
import type { ActivityLog } from '../../domain/activity/activity-log.ts';
import type { Context } from '../../domain/shared/context.ts';
import { ValidationError } from '../../domain/shared/domain-error.ts';
import type { UserRepository } from '../../domain/user/user-repository.ts';
import { requireActivityAccess } from './activity-access.ts';
import { decodeActivityCursor, encodeActivityCursor } from './activity-cursor.ts';
import type { CursorSeal } from '../shared/cursor-seal.ts';

const ACTIVITY_PAGE_MAX = 100;

export interface ListActivityInput {
  readonly userId: string;
  readonly limit: number;
  readonly cursor?: string | undefined;
}

export interface ActivityPage {
  readonly items: readonly ActivityEvent[];
  readonly nextCursor: string | null;
}

export class ListActivity {
  readonly #log: ActivityLog;
  readonly #users: UserRepository;
  readonly #cursors: CursorSeal;

  constructor(log: ActivityLog, users: UserRepository, cursors: CursorSeal) {
    this.#log = log;
    this.#users = users;
    this.#cursors = cursors;
  }

  /**
   * A user's activity, newest first, one keyset page at a time.
   * @throws UserNotFoundError, ValidationError, InvalidCursorError
   */
  async execute(ctx: Context, input: ListActivityInput): Promise<ActivityPage> {
    if (!Number.isSafeInteger(input.limit) || input.limit < 1 || input.limit > ACTIVITY_PAGE_MAX) {
      throw new ValidationError('the activity query is not valid', [{ field: 'limit', message: `must be a whole number from 1 to ${ACTIVITY_PAGE_MAX}` }]);
    }
    const userId = input.userId.toLowerCase();
    await requireActivityAccess(ctx, this.#users, userId);
    const beforeId = input.cursor === undefined ? undefined : decodeActivityCursor(this.#cursors.open(input.cursor));
    // One extra row tells whether another page exists without a count query.
    const rows = await this.#log.listNewestFirst(ctx, userId, { limit: input.limit + 1, beforeId });
    const items = rows.slice(0, input.limit);
    const last = items.at(-1);
    const nextCursor = rows.length > input.limit && last ? this.#cursors.seal(encodeActivityCursor(last.id)) : null;
    return { items, nextCursor };
  }
}
