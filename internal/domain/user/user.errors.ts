import { DomainError } from '../shared/domain-error.ts';

/** No user has this id (or it was deleted). */
export class UserNotFoundError extends DomainError {
  readonly code = 'USER_NOT_FOUND';
  readonly kind = 'not_found';

  constructor(id: string) {
    super(`user ${id} does not exist`);
  }
}

/** Another user already has this email, compared regardless of letter case. */
export class EmailTakenError extends DomainError {
  readonly code = 'EMAIL_TAKEN';
  readonly kind = 'conflict';

  constructor(email: string, options?: ErrorOptions) {
    super(`the email ${email} is already used by another user`, options);
  }
}

/** The user has orders, which are financial records and keep their owner. */
export class UserHasOrdersError extends DomainError {
  readonly code = 'USER_HAS_ORDERS';
  readonly kind = 'conflict';

  constructor(id: string, options?: ErrorOptions) {
    super(`user ${id} has orders and cannot be deleted`, options);
  }
}
