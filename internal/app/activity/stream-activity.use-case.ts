import type { ActivityFeed, ActivitySubscription } from '../../domain/activity/activity-feed.ts';
import type { Context } from '../../domain/shared/context.ts';
import { ValidationError } from '../../domain/shared/domain-error.ts';
import type { UserRepository } from '../../domain/user/user-repository.ts';
import { requireActivityAccess } from './activity-access.ts';

const EVENT_ID = /^(0|[1-9]\d{0,15})$/;

export interface StreamActivityInput {
  readonly userId: string;
  /** The id of the last event the client received (SSE `Last-Event-ID`), to resume after it. */
  readonly lastEventId?: string | undefined;
}

export class StreamActivity {
  readonly #feed: ActivityFeed;
  readonly #users: UserRepository;

  constructor(feed: ActivityFeed, users: UserRepository) {
    this.#feed = feed;
    this.#users = users;
  }

  /**
   * A live subscription to a user's activity: after `lastEventId` when given
   * (what was missed first), else from now on.
   * @throws UserNotFoundError, ValidationError, ActivityStreamsExhaustedError, ActivityFeedClosedError
   */
  async execute(ctx: Context, input: StreamActivityInput): Promise<ActivitySubscription> {
    const lastEventId = input.lastEventId?.trim();
    if (lastEventId !== undefined && lastEventId !== '' && !(EVENT_ID.test(lastEventId) && Number.isSafeInteger(Number(lastEventId)))) {
      throw new ValidationError('Last-Event-ID is not an event id', [{ field: 'last_event_id', message: 'must be the id of an event (digits)' }]);
    }
    const userId = input.userId.toLowerCase();
    await requireActivityAccess(ctx, this.#users, userId);
    return this.#feed.subscribe(ctx, userId, lastEventId ? Number(lastEventId) : undefined);
  }
}
