import { DomainError } from '../shared/domain-error.ts';

/** The operation needs a signed-in caller and there is none (or the token is no good). */
export class AuthenticationRequiredError extends DomainError {
  readonly code: string;
  readonly kind = 'unauthorized';

  constructor(code: 'AUTHENTICATION_REQUIRED' | 'INVALID_TOKEN' = 'AUTHENTICATION_REQUIRED', message = 'sign in and send the token as `Authorization: Bearer <token>`') {
    super(message);
    this.code = code;
  }
}

/** The caller is known but their roles do not allow the operation. */
export class ForbiddenError extends DomainError {
  readonly code = 'FORBIDDEN';
  readonly kind = 'forbidden';

  constructor(action: string) {
    super(`your roles do not allow you to ${action}`);
  }
}
