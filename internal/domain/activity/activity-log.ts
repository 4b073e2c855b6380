import type { Context } from '../shared/context.ts';
import type { ActivityEvent } from './activity-event.ts';

/** Reads the recorded activity of a user. Every method honours `ctx.signal`. */
export interface ActivityLog {
  /** Newest first (ids descending), strictly before `beforeId` when given. */
  listNewestFirst(ctx: Context, userId: string, page: { readonly limit: number; readonly beforeId?: number | undefined }): Promise<ActivityEvent[]>;

  /** Oldest first, strictly after `afterId`: what a resuming reader missed. */
  readAfter(ctx: Context, userId: string, afterId: number, limit: number): Promise<ActivityEvent[]>;

  /** The id of the user's newest event; 0 when there is none. */
  latestId(ctx: Context, userId: string): Promise<number>;
}
