import type { ColumnType, Insertable, Selectable, Updateable } from 'kysely';

export interface IdempotencyKeysTable {
  user_id: string;
  key: string;
  fingerprint: string;
  state: 'in_progress' | 'completed';
  response_status: ColumnType<number | null, number | null | undefined, number | null>;
  /** The response body as JSON text, kept byte for byte. */
  response_body: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: ColumnType<Date, Date | undefined, Date>;
  expires_at: ColumnType<Date, Date, Date>;
}

export type IdempotencyKeyRow = Selectable<IdempotencyKeysTable>;
export type NewIdempotencyKeyRow = Insertable<IdempotencyKeysTable>;
export type IdempotencyKeyUpdate = Updateable<IdempotencyKeysTable>;
