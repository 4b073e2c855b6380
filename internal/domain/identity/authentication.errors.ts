import { DomainError } from '../shared/domain-error.ts';

/**
 * The email and password do not match an account that may log in. Unknown
 * email, wrong password and an account without a password all look the same.
 */
export class InvalidCredentialsError extends DomainError {
  readonly code = 'INVALID_CREDENTIALS';
  readonly kind = 'unauthorized';

  constructor() {
    super('the email or the password is wrong');
  }
}

/**
 * Too many sign-in attempts on this account in a row: it waits before the
 * next. Said for unknown emails alike, so it tells nobody which accounts exist.
 */
export class SignInThrottledError extends DomainError {
  readonly code = 'SIGN_IN_THROTTLED';
  readonly kind = 'rate_limited';

  constructor(retryAfterMs: number) {
    super(`too many sign-in attempts for this account; try again in ${Math.max(1, Math.ceil(retryAfterMs / 1000))} s`, { retryAfterMs });
  }
}
