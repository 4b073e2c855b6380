import type { ColumnType } from 'kysely';

export interface IdempotencyKeysTable {
  user_id: string;
  key: string;
  fingerprint: string;
  state: 'in_progress' | 'completed';
  /** The recorded outcome as JSON text, kept byte for byte (jsonb would reorder its keys). */
  outcome: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: ColumnType<Date, Date | undefined, Date>;
  expires_at: ColumnType<Date, Date, Date>;
}
