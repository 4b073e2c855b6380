import type { ColumnType, Selectable } from 'kysely';

export interface SessionsTable {
  /** SHA-256 (hex) of the bearer token. */
  id: string;
  user_id: string;
  roles: string[];
  created_at: ColumnType<Date, Date | undefined, never>;
  expires_at: ColumnType<Date, Date, Date>;
  absolute_expires_at: ColumnType<Date, Date, never>;
}

export type SessionRow = Selectable<SessionsTable>;
