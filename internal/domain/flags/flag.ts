import { ValidationError, type FieldIssue } from '../shared/domain-error.ts';

/** Buckets of a percentage rollout: a subject's bucket is in [0, ROLLOUT_BUCKETS). 0.01 % each. */
export const ROLLOUT_BUCKETS = 10_000;

/** What an admin sets: whether the flag is on, and for a rollout the share of subjects it is on for. */
export interface FlagSetting {
  readonly enabled: boolean;
  /** 0–100 with two decimals; undefined: on for everyone while enabled (a plain switch). */
  readonly rolloutPercent: number | undefined;
}

/** A flag as it applies now: the stored setting, or the default from config when none is stored. */
export interface Flag extends FlagSetting {
  readonly key: string;
  readonly description: string;
  /** 0 while the default applies; grows with every change. */
  readonly version: number;
  /** The admin who made the last change; undefined for a default. */
  readonly updatedBy: string | undefined;
  readonly updatedAt: Date | undefined;
}

/** How a rollout flag applies to one subject. */
export type RolloutVariant = 'off' | 'cohort' | 'rest';

/**
 * The variant of `subject`, whose bucket (`rolloutBucket` of the flag key and
 * subject) decides its place in a partial rollout. Without a subject only a
 * full rollout (100 %, or none set) reaches the cohort.
 */
export function variantFor(setting: FlagSetting, bucket: number | undefined): RolloutVariant {
  if (!setting.enabled) return 'off';
  if (setting.rolloutPercent === undefined) return 'cohort';
  const inside = Math.round(setting.rolloutPercent * 100);
  if (inside >= ROLLOUT_BUCKETS) return 'cohort';
  return bucket !== undefined && bucket < inside ? 'cohort' : 'rest';
}

/**
 * Checks an admin's setting: `rollout_percent` from 0 to 100 with at most two decimals, or null.
 * @throws ValidationError
 */
export function checkFlagSetting(setting: FlagSetting): FlagSetting {
  const issues: FieldIssue[] = [];
  if (typeof setting.enabled !== 'boolean') issues.push({ field: 'enabled', message: 'must be true or false' });
  const percent = setting.rolloutPercent;
  if (percent !== undefined && (typeof percent !== 'number' || !(percent >= 0 && percent <= 100) || Math.abs(percent * 100 - Math.round(percent * 100)) > 1e-6)) {
    issues.push({ field: 'rollout_percent', message: 'must be null or a percentage from 0 to 100 with at most two decimals' });
  }
  if (issues.length > 0) throw new ValidationError('the flag setting is not valid', issues);
  return { enabled: setting.enabled, rolloutPercent: percent === undefined ? undefined : Math.round(percent * 100) / 100 };
}
