import type { Notification } from '../../domain/notification/notification.ts';
import type { NotificationLog } from '../../domain/notification/notification-log.ts';
import type { Context } from '../../domain/shared/context.ts';
import { ValidationError } from '../../domain/shared/domain-error.ts';
import { requireAdmin } from '../access/access-policy.ts';
import { idCursor } from '../shared/id-cursor.ts';
import type { CursorSeal } from '../shared/cursor-seal.ts';

const NOTIFICATION_PAGE_MAX = 100;
const NOTIFICATION_CURSOR = idCursor('n1.');

export interface NotificationPage {
  readonly items: readonly Notification[];
  readonly nextCursor: string | null;
}

export class ListNotifications {
  readonly #log: NotificationLog;
  readonly #cursors: CursorSeal;

  constructor(log: NotificationLog, cursors: CursorSeal) {
    this.#log = log;
    this.#cursors = cursors;
  }

  /** Sent messages, newest first. @throws ForbiddenError, ValidationError, InvalidCursorError */
  async execute(ctx: Context, input: { readonly limit: number; readonly cursor?: string | undefined }): Promise<NotificationPage> {
    requireAdmin(ctx, 'list notifications');
    if (!Number.isSafeInteger(input.limit) || input.limit < 1 || input.limit > NOTIFICATION_PAGE_MAX) {
      throw new ValidationError('the notification query is not valid', [{ field: 'limit', message: `must be a whole number from 1 to ${NOTIFICATION_PAGE_MAX}` }]);
    }
    const beforeId = input.cursor === undefined ? undefined : NOTIFICATION_CURSOR.decode(this.#cursors.open(input.cursor));
    const rows = await this.#log.list(ctx, { limit: input.limit + 1, beforeId });
    const items = rows.slice(0, input.limit);
    const last = items.at(-1);
    return { items, nextCursor: rows.length > input.limit && last ? this.#cursors.seal(NOTIFICATION_CURSOR.encode(last.id)) : null };
  }
}
