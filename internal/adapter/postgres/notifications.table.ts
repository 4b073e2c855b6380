import type { ColumnType, Selectable } from 'kysely';

export interface NotificationsTable {
  id: string;
  recipient_user_id: string;
  topic: string;
  subject: string;
  body: string;
  order_id: string | null;
  dedupe_key: string;
  created_at: ColumnType<Date, Date | undefined, never>;
}

export type NotificationRow = Selectable<NotificationsTable>;
