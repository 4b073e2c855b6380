import { DomainError } from '../shared/domain-error.ts';

/** The gateway could not give an answer now (down, slow, rate-limited, breaker open). */
export class PaymentUnavailableError extends DomainError {
  readonly code = 'PAYMENT_UNAVAILABLE';
  readonly kind = 'unavailable';
  /** When the caller may try again, if the gateway said so. */
  readonly retryAfterMs: number | undefined;

  constructor(reason: string, options?: ErrorOptions & { retryAfterMs?: number }) {
    super(`the payment gateway is unavailable: ${reason}`, options);
    this.retryAfterMs = options?.retryAfterMs;
  }
}
