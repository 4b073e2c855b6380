import type { ColumnType } from 'kysely';

export interface ServiceKeysTable {
  name: string;
  secret: Buffer;
  created_at: ColumnType<Date, never, never>;
}
