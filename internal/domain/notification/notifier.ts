import type { Context } from '../shared/context.ts';
import type { NotificationMessage } from './notification.ts';

/** Sends messages to users. */
export interface Notifier {
  /**
   * Sends the message unless one with its dedupe key was sent already.
   * @returns whether it was sent now (false: a duplicate, nothing sent)
   */
  send(ctx: Context, message: NotificationMessage): Promise<{ readonly sent: boolean }>;
}
