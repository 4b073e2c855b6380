import type { Context } from '../shared/context.ts';
import type { RolloutVariant } from './flag.ts';

/**
 * What use-cases ask of feature flags. `subject` is the stable attribute a
 * percentage rollout is keyed on (a user id): one subject always gets the
 * same answer while the setting stays the same. Evaluation never fails: an
 * unknown flag or an unreadable store answers with the default (off).
 */
export interface FeatureFlags {
  /** On for `subject`: the flag is enabled and, for a partial rollout, the subject is in its cohort. */
  isEnabled(ctx: Context, key: string, subject?: string): Promise<boolean>;
  /** Where `subject` stands in a rollout: the flag is off, or the subject is in the cohort or the rest. */
  variantOf(ctx: Context, key: string, subject?: string): Promise<RolloutVariant>;
}
