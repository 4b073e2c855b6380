import { DomainError } from '../shared/domain-error.ts';

/** This instance already serves as many activity streams as it may. */
export class ActivityStreamsExhaustedError extends DomainError {
  readonly code = 'TOO_MANY_STREAMS';
  readonly kind = 'unavailable';

  constructor(limit: number) {
    super(`this instance already serves ${limit} activity streams; try again shortly`);
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
