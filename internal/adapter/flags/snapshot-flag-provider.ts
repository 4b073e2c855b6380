import { ErrorCode, StandardResolutionReasons, type JsonValue, type Provider, type ResolutionDetails, type EvaluationContext } from '@openfeature/server-sdk';
import type { FlagSnapshot } from './flag-snapshot.ts';

/**
 * An OpenFeature provider answering from the in-memory flag snapshot. The
 * evaluation context's `targetingKey` is the rollout subject (a user id).
 * Booleans: on for the subject; strings: the variant (`off`, `cohort`, `rest`).
 */
export class SnapshotFlagProvider implements Provider {
  readonly metadata = { name: 'ordersvc-postgres' } as const;
  readonly runsOn = 'server' as const;
  readonly #snapshot: FlagSnapshot;

  constructor(snapshot: FlagSnapshot) {
    this.#snapshot = snapshot;
  }

  resolveBooleanEvaluation(flagKey: string, defaultValue: boolean, context: EvaluationContext): Promise<ResolutionDetails<boolean>> {
    const resolved = this.#resolve(flagKey, context);
    if (!resolved) return Promise.resolve(notFound(flagKey, defaultValue));
    return Promise.resolve({ value: resolved.variant === 'cohort', variant: resolved.variant, reason: resolved.reason });
  }

  resolveStringEvaluation(flagKey: string, defaultValue: string, context: EvaluationContext): Promise<ResolutionDetails<string>> {
    const resolved = this.#resolve(flagKey, context);
    if (!resolved) return Promise.resolve(notFound(flagKey, defaultValue));
    return Promise.resolve({ value: resolved.variant, variant: resolved.variant, reason: resolved.reason });
  }

  resolveNumberEvaluation(_flagKey: string, defaultValue: number): Promise<ResolutionDetails<number>> {
    return Promise.resolve({ value: defaultValue, reason: StandardResolutionReasons.ERROR, errorCode: ErrorCode.TYPE_MISMATCH, errorMessage: 'flags are booleans or variants' });
  }

  resolveObjectEvaluation<T extends JsonValue>(_flagKey: string, defaultValue: T): Promise<ResolutionDetails<T>> {
    return Promise.resolve({ value: defaultValue, reason: StandardResolutionReasons.ERROR, errorCode: ErrorCode.TYPE_MISMATCH, errorMessage: 'flags are booleans or variants' });
  }

  #resolve(flagKey: string, context: EvaluationContext) {
    const flag = this.#snapshot.get(flagKey);
    if (!flag) return undefined;
    const subject = typeof context.targetingKey === 'string' && context.targetingKey !== '' ? context.targetingKey : undefined;
    const variant = this.#snapshot.variant(flagKey, subject);
    const reason =
      variant === 'off' ? StandardResolutionReasons.DISABLED : flag.rolloutPercent !== undefined ? StandardResolutionReasons.SPLIT : flag.version === 0 ? StandardResolutionReasons.DEFAULT : StandardResolutionReasons.STATIC;
    return { variant, reason };
  }
}

function notFound<T>(flagKey: string, defaultValue: T): ResolutionDetails<T> {
  return { value: defaultValue, reason: StandardResolutionReasons.ERROR, errorCode: ErrorCode.FLAG_NOT_FOUND, errorMessage: `no flag ${flagKey}` };
}
