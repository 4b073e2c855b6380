import { DomainError } from '../shared/domain-error.ts';

/** The gateway could not give an answer now (down, slow, rate-limited, breaker open). */
export class PaymentUnavailableError extends DomainError {
  readonly code = 'PAYMENT_UNAVAILABLE';
  readonly kind = 'unavailable';
  /** When the caller may try again, if the gateway said so. */
  readonly retryAfterMs: number | undefined;
  /**
   * True when the request provably never reached the gateway (breaker open,
   * bulkhead full, refused with 429), so nothing can have been authorized.
   */
  readonly notSent: boolean;

  constructor(reason: string, options?: ErrorOptions & { retryAfterMs?: number | undefined; notSent?: boolean }) {
    super(`the payment gateway is unavailable: ${reason}`, options);
    this.retryAfterMs = options?.retryAfterMs;
    this.notSent = options?.notSent ?? false;
  }
}
