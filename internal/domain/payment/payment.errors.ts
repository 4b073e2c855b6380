import { DomainError } from '../shared/domain-error.ts';

/** The gateway could not give an answer now (down, slow, rate-limited, breaker open); the request may have reached it. */
export class PaymentUnavailableError extends DomainError {
  readonly code = 'PAYMENT_UNAVAILABLE';
  readonly kind = 'unavailable';

  constructor(reason: string, options?: ErrorOptions & { retryAfterMs?: number | undefined }) {
    super(`the payment gateway is unavailable: ${reason}`, options);
  }
}

/**
 * The gateway is unavailable and the request provably never reached it
 * (breaker open, bulkhead full, connection refused), so nothing can have been
 * authorized: there is nothing to look up or undo.
 */
export class PaymentNotSentError extends PaymentUnavailableError {}
