import { DomainError } from '../shared/domain-error.ts';

/** No flag of the service has this key. */
export class FlagNotFoundError extends DomainError {
  readonly code = 'FLAG_NOT_FOUND';
  readonly kind = 'not_found';

  constructor(key: string) {
    super(`there is no feature flag ${key}`);
  }
}

/** A kill switch has turned the feature off for now; it comes back without a restart. */
export class FeatureSwitchedOffError extends DomainError {
  readonly code = 'FEATURE_SWITCHED_OFF';
  readonly kind = 'unavailable';

  constructor(message: string, retryAfterMs: number) {
    super(message, { retryAfterMs });
  }
}
