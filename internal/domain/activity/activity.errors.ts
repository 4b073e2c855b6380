import { DomainError } from '../shared/domain-error.ts';

/** This instance already serves as many activity streams as it may. */
export class ActivityStreamsExhaustedError extends DomainError {
  readonly code = 'TOO_MANY_STREAMS';
  readonly kind = 'unavailable';

  constructor(limit: number) {
    super(`this instance already serves ${limit} activity streams; try again shortly`);
  }
}

/** The caller already holds as many activity streams as one user may. */
export class ActivityStreamsPerUserExceededError extends DomainError {
  readonly code = 'TOO_MANY_STREAMS_FOR_USER';
  readonly kind = 'rate_limited';
  readonly details: { readonly limit: number };

  constructor(limit: number) {
    super(`you already hold ${limit} activity streams, the most one user may; close one first`, { retryAfterMs: 1_000 });
    this.details = { limit };
  }
}

/** The feed is shutting down and takes no more subscribers. */
export class ActivityFeedClosedError extends DomainError {
  readonly code = 'SHUTTING_DOWN';
  readonly kind = 'unavailable';

  constructor() {
    super('the activity feed of this instance is shutting down; reconnect');
  }
}
