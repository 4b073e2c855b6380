import type { Context } from '../shared/context.ts';
import type { Notification } from './notification.ts';

/** One page of sent messages, newest first (ids descending), strictly before `beforeId`. */
export interface NotificationListQuery {
  readonly limit: number;
  readonly beforeId?: string | undefined;
}

/** The record of messages sent, for operators. */
export interface NotificationLog {
  list(ctx: Context, query: NotificationListQuery): Promise<Notification[]>;
}
