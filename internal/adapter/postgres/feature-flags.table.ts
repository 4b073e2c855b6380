import type { ColumnType, Generated, Selectable } from 'kysely';

export interface FeatureFlagsTable {
  key: string;
  enabled: boolean;
  /** numeric(5,2): pg returns it as text. */
  rollout_percent: ColumnType<string | null, number | null, number | null>;
  version: number;
  updated_by: string;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export interface FeatureFlagChangesTable {
  id: Generated<string>;
  flag_key: string;
  enabled: boolean;
  rollout_percent: ColumnType<string | null, number | null, never>;
  version: number;
  changed_by: string;
  changed_at: ColumnType<Date, Date | undefined, never>;
}

export type FeatureFlagRow = Selectable<FeatureFlagsTable>;
