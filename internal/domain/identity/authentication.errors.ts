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
