import { Status } from 'nice-grpc';
import { BadRequest, ErrorInfo, RetryInfo, RichServerError, type ErrorDetails } from 'nice-grpc-error-details';
import type { DomainError} from '../../domain/shared/domain-error.ts';
import { ValidationError, type ErrorKind } from '../../domain/shared/domain-error.ts';

/** The `domain` of every `google.rpc.ErrorInfo`; its `reason` is the problem+json `code`. */
export const ERROR_DOMAIN = 'ordersvc.dev';

/**
 * The one map from a domain error kind to a gRPC status (the REST twin is
 * STATUS_BY_KIND in transport/http/error-handler.ts). Exhaustive: a new kind
 * does not compile until it has a status here.
 */
const STATUS_BY_KIND: Record<ErrorKind, Status> = {
  invalid: Status.INVALID_ARGUMENT,
  unauthorized: Status.UNAUTHENTICATED,
  forbidden: Status.PERMISSION_DENIED,
  not_found: Status.NOT_FOUND,
  // A state that forbids the change (an illegal transition, short stock); taken names are ALREADY_EXISTS below.
  conflict: Status.FAILED_PRECONDITION,
  precondition_failed: Status.FAILED_PRECONDITION,
  precondition_required: Status.FAILED_PRECONDITION,
  unavailable: Status.UNAVAILABLE,
  rate_limited: Status.RESOURCE_EXHAUSTED,
  payment_required: Status.FAILED_PRECONDITION,
  unprocessable: Status.FAILED_PRECONDITION,
};

/**
 * Codes whose kind says too little for gRPC: a name already taken is
 * ALREADY_EXISTS, a key in progress is ABORTED (retry the sequence), a cap on
 * streams or calls is RESOURCE_EXHAUSTED.
 */
const STATUS_BY_CODE: Readonly<Record<string, Status>> = {
  EMAIL_TAKEN: Status.ALREADY_EXISTS,
  SKU_TAKEN: Status.ALREADY_EXISTS,
  REQUEST_IN_PROGRESS: Status.ABORTED,
  ORDER_KEY_TAKEN: Status.ABORTED,
  ORDER_STATE_CONFLICT: Status.ABORTED,
  TOO_MANY_STREAMS: Status.RESOURCE_EXHAUSTED,
  RATE_LIMITED: Status.RESOURCE_EXHAUSTED,
};

const UNAVAILABLE_RETRY_MS = 1_000;

/** Domain field names that the protos spell otherwise. */
const PROTO_FIELD: Readonly<Record<string, string>> = {
  limit: 'page_size',
  cursor: 'page_token',
  if_match: 'etag',
  last_event_id: 'after_event_id',
  amount: 'amount_minor',
};

/** A field named in domain terms (`lines[0].product_id`, `price.amount`) as a protobuf field path. */
function fieldPath(field: string): string {
  return field
    .split('.')
    .map((segment) => {
      const [, head = segment, index = ''] = /^([^[]+)((?:\[\d+\])*)$/.exec(segment) ?? [];
      return (PROTO_FIELD[head] ?? head) + index;
    })
    .join('.');
}

/** The status with details a domain error becomes: ErrorInfo always, BadRequest and RetryInfo where they apply. */
export function fromDomainError(error: DomainError): RichServerError {
  const status = STATUS_BY_CODE[error.code] ?? STATUS_BY_KIND[error.kind];
  const details: ErrorDetails[] = [ErrorInfo.fromPartial({ reason: error.code, domain: ERROR_DOMAIN, metadata: metadataOf(error) })];
  if (error instanceof ValidationError && error.issues.length > 0) {
    details.push(BadRequest.fromPartial({ fieldViolations: error.issues.map((issue) => ({ field: fieldPath(issue.field), description: issue.message })) }));
  }
  // The one invalid input that is not a ValidationError: a page token this service did not issue.
  if (error.code === 'INVALID_CURSOR') details.push(BadRequest.fromPartial({ fieldViolations: [{ field: 'page_token', description: error.message }] }));
  // Unavailable without a hint of its own: come back in a second, as REST's `Retry-After: 1`.
  const retryAfterMs = error.retryAfterMs ?? (error.kind === 'unavailable' ? UNAVAILABLE_RETRY_MS : undefined);
  if (retryAfterMs !== undefined) details.push(retryInfo(retryAfterMs));
  return new RichServerError(status, error.message, details);
}

export function retryInfo(retryAfterMs: number): RetryInfo {
  const ms = Math.max(0, Math.round(retryAfterMs));
  return RetryInfo.fromPartial({ retryDelay: { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1_000_000 } });
}


// Scalar details only (ErrorInfo metadata is a string map): e.g. an order's status, a decline code.
function metadataOf(error: DomainError): Record<string, string> {
  const details = (error as DomainError & { details?: unknown }).details;
  if (typeof details !== 'object' || details === null) return {};
  const entries = Object.entries(details).filter(([, value]) => ['string', 'number', 'boolean'].includes(typeof value));
  return Object.fromEntries(entries.map(([key, value]) => [key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), String(value)]));
}
