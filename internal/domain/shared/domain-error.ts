/** The closed set of failure kinds; transport maps each to a status once. */
export type ErrorKind =
  | 'invalid'
  | 'not_found'
  | 'conflict'
  | 'precondition_failed'
  | 'precondition_required'
  | 'forbidden'
  | 'unauthorized'
  | 'unavailable'
  /** The caller used up their own share of something; the same request works once they give some back. */
  | 'rate_limited'
  /** The payment was refused (a decline); paying otherwise may work. */
  | 'payment_required'
  /** Well-formed and valid, yet it cannot be carried out (unknown products, a reused idempotency key). */
  | 'unprocessable';

/** A rule of the domain was broken. `code` is stable and machine-readable. */
export abstract class DomainError extends Error {
  abstract readonly code: string;
  abstract readonly kind: ErrorKind;
  /** When trying again may work, if the error knows (a request in progress, a gateway's Retry-After, a kill switch); each transport says it its way. */
  readonly retryAfterMs: number | undefined;

  constructor(message: string, options?: ErrorOptions & { readonly retryAfterMs?: number | undefined }) {
    super(message, options);
    this.name = new.target.name;
    this.retryAfterMs = options?.retryAfterMs;
  }
}

/**
 * Per-field details of an `invalid` error. `field` names the field in domain
 * terms: dotted, with indices in brackets (`lines[0].product_id`, `email`,
 * `price.amount`, `idempotency_key`); each transport says where its request
 * carried it.
 */
export interface FieldIssue {
  readonly field: string;
  readonly message: string;
}

/** Input that is well-formed but breaks a domain rule. */
export class ValidationError extends DomainError {
  readonly code = 'VALIDATION_FAILED';
  readonly kind = 'invalid';
  readonly issues: readonly FieldIssue[];

  constructor(message: string, issues: readonly FieldIssue[] = []) {
    super(message);
    this.issues = issues;
  }
}

/** A dependency (the database, a cache, a remote API) cannot serve now; retrying later may work. */
export class DependencyUnavailableError extends DomainError {
  readonly code = 'DEPENDENCY_UNAVAILABLE';
  readonly kind = 'unavailable';
  readonly dependency: string;

  constructor(dependency: string, options?: ErrorOptions) {
    super(`${dependency} is unavailable; try again shortly`, options);
    this.dependency = dependency;
  }
}
