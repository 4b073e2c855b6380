import type { ColumnType, Insertable, Selectable } from 'kysely';

export interface JobEffectsTable {
  dedupe_key: string;
  job_id: string | null;
  created_at: ColumnType<Date, Date | undefined, never>;
}

export type JobEffectRow = Selectable<JobEffectsTable>;
export type NewJobEffectRow = Insertable<JobEffectsTable>;
