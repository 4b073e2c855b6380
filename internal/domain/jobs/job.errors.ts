import { DomainError, ValidationError, type FieldIssue } from '../shared/domain-error.ts';

export class JobNotFoundError extends DomainError {
  readonly code = 'JOB_NOT_FOUND';
  readonly kind = 'not_found';

  constructor(id: string) {
    super(`there is no job ${id}`);
  }
}

/** The job is not in a state the operation applies to (retry a running job, cancel a finished one). */
export class JobStateConflictError extends DomainError {
  readonly code = 'JOB_STATE_CONFLICT';
  readonly kind = 'conflict';

  constructor(id: string, state: string, operation: string) {
    super(`job ${id} is ${state}: it cannot be ${operation}`);
  }
}

/** No handler is registered for the job type. */
export class UnknownJobTypeError extends DomainError {
  readonly code = 'UNKNOWN_JOB_TYPE';
  readonly kind = 'invalid';

  constructor(type: string) {
    super(`no job type is named ${type}`);
  }
}

/** A payload that does not match its job type's schema. */
export class InvalidJobPayloadError extends ValidationError {
  constructor(type: string, issues: readonly FieldIssue[]) {
    super(`the payload of a ${type} job does not match its schema`, issues);
  }
}
