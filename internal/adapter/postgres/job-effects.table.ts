import type { ColumnType } from 'kysely';

export interface JobEffectsTable {
  dedupe_key: string;
  job_id: string | null;
  created_at: ColumnType<Date, Date | undefined, never>;
}

