import type { ColumnType, Selectable } from 'kysely';

export interface ActivityEventsTable {
  /** bigint identity; pg returns int8 as a string (see `toSafeInteger`). */
  id: ColumnType<string, never, never>;
  user_id: string;
  type: string;
  occurred_at: ColumnType<Date, Date | undefined, never>;
  data: ColumnType<Record<string, unknown>, string, never>;
}

export type ActivityEventRow = Selectable<ActivityEventsTable>;
