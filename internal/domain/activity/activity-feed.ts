import type { Context } from '../shared/context.ts';
import type { ActivityEvent } from './activity-event.ts';

/** Why a subscription ended. */
export type SubscriptionEnd =
  /** The subscriber closed it. */
  | 'closed'
  /** The subscriber fell too far behind (its buffer filled up); it may resume from its last event. */
  | 'overflow'
  /** The feed is shutting down; the subscriber may resume elsewhere. */
  | 'shutdown'
  /** The recorded events could not be read; the subscriber may resume later. */
  | 'failed';

/**
 * One subscriber's view of a user's activity: events in id order, each once,
 * with nothing left out between the resume point and the live events.
 */
export interface ActivitySubscription {
  /**
   * The next events (at least one), waiting until there are some; undefined
   * once the subscription has ended. Not reading lets events pile up in a
   * bounded buffer, and the subscription ends with `overflow` when it is full.
   * Rejects when the recorded events cannot be read (it has then ended with `failed`).
   */
  next(): Promise<readonly ActivityEvent[] | undefined>;
  /** Resolves once the subscription has ended, and why. */
  readonly ended: Promise<SubscriptionEnd>;
  close(): void;
}

/** Live activity of users, whichever replica recorded it. */
export interface ActivityFeed {
  /**
   * Events of `userId` after `afterId` (the recorded ones first, then live
   * ones), or from now on when `afterId` is undefined. Counted against the
   * caller's own share (the principal in `ctx`, else `userId`) and the total.
   * @throws ActivityStreamsPerUserExceededError, ActivityStreamsExhaustedError, ActivityFeedClosedError
   */
  subscribe(ctx: Context, userId: string, afterId: number | undefined): Promise<ActivitySubscription>;
}
