import { DomainError } from '../shared/domain-error.ts';

/**
 * The idempotency key was used before for a different request (another body,
 * method or path). 422 as in the IETF Idempotency-Key draft: the request is
 * well-formed but cannot be processed under this key.
 */
export class IdempotencyKeyReusedError extends DomainError {
  readonly code = 'IDEMPOTENCY_KEY_REUSED';
  readonly kind = 'unprocessable';

  constructor() {
    super('this idempotency key was already used for a different request; use a new key for a new request');
  }
}

/** A request with this idempotency key is still running; repeat it after `retryAfterMs`. */
export class RequestInProgressError extends DomainError {
  readonly code = 'REQUEST_IN_PROGRESS';
  readonly kind = 'conflict';

  constructor(retryAfterMs: number) {
    super('a request with this idempotency key is still being processed; repeat it shortly to get its result', { retryAfterMs });
  }
}
