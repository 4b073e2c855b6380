import type { ColumnType } from 'kysely';

export interface PasswordResetsTable {
  user_id: string;
  token_hash: string;
  expires_at: Date;
  created_at: ColumnType<Date, never, never>;
}
