import type { ColumnType, Generated } from 'kysely';

export interface ScheduleRunsTable {
  id: Generated<string>;
  schedule: string;
  due_at: Date;
  trigger: 'cron' | 'start';
  instance: string;
  status: ColumnType<'running' | 'succeeded' | 'failed' | 'timed_out' | 'abandoned', 'running' | undefined, 'succeeded' | 'failed' | 'timed_out' | 'abandoned'>;
  started_at: ColumnType<Date, Date | undefined, never>;
  finished_at: ColumnType<Date | null, never, Date>;
  duration_ms: ColumnType<number | null, never, number>;
  error: ColumnType<string | null, never, string | null>;
  /** pg parses jsonb on the way out; it is written as JSON text. */
  result: ColumnType<unknown, never, string | null>;
}

