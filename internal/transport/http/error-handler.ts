import type { ErrorRequestHandler, Response } from 'express';
import { DomainError, ValidationError, type ErrorKind } from '../../domain/shared/domain-error.ts';
import { AuthenticationRequiredError } from '../../domain/identity/identity.errors.ts';
import { fieldPointer } from './field-pointer.ts';
import { sendProblem, type FieldError, type ProblemInit } from './problem.ts';
import { ClientClosedError, DeadlineExceededError } from './request-context.ts';
import { INVALID_UTF8 } from './utf8-body.ts';

/** One place maps every failure to problem+json; unknown errors are a bare 500. */
export function errorHandler(): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const problem = toProblem(securityFailure(error, req.authError) ?? error, req.method);
    // 5xx are ours (or a dependency's) to look into: the access line carries the error.
    if (problem.status >= 500) recordForAccessLog(res, error);
    sendProblem(req, res, problem);
  };
}

// The contract's security check only says "401"; the authentication step knows why.
function securityFailure(error: unknown, authError: DomainError | undefined): DomainError | undefined {
  const http = asHttpError(error);
  if (http?.status !== 401) return undefined;
  return authError ?? new AuthenticationRequiredError();
}

/** The problem for a failure; `method` tells where the request carried the fields a validation error names. */
export function toProblem(error: unknown, method = 'POST'): ProblemInit {
  if (error instanceof DomainError) return fromDomainError(error, method);
  if (error instanceof DeadlineExceededError || error instanceof ClientClosedError || isAbortOf(error)) {
    return { status: 503, code: 'DEADLINE_EXCEEDED', title: 'The request ran out of time', detail: 'Try again later.', headers: { 'Retry-After': '1' } };
  }
  const http = asHttpError(error);
  if (http) return fromHttpError(http);
  return { status: 500, code: 'INTERNAL', title: 'Internal server error', detail: 'The failure was logged with the trace id.' };
}

const STATUS_BY_KIND: Record<ErrorKind, { status: number; title: string }> = {
  invalid: { status: 400, title: 'The request is not valid' },
  unauthorized: { status: 401, title: 'Authentication required' },
  forbidden: { status: 403, title: 'Not allowed' },
  not_found: { status: 404, title: 'Not found' },
  conflict: { status: 409, title: 'Conflict with the current state' },
  precondition_failed: { status: 412, title: 'The resource has changed' },
  precondition_required: { status: 428, title: 'A precondition is required' },
  unavailable: { status: 503, title: 'Temporarily unavailable' },
  rate_limited: { status: 429, title: 'Too many requests' },
  payment_required: { status: 402, title: 'Payment declined' },
  unprocessable: { status: 422, title: 'The request cannot be processed' },
};

function fromDomainError(error: DomainError, method: string): ProblemInit {
  const { status, title } = STATUS_BY_KIND[error.kind];
  const errors = error instanceof ValidationError ? error.issues.map((issue) => ({ pointer: fieldPointer(issue.field, method), message: issue.message })) : undefined;
  const retryAfterSeconds = retryAfterOf(error);
  // The hint is told in the body too, for clients that do not read headers.
  const details = { ...detailsOf(error), ...(retryAfterSeconds === undefined ? {} : { retry_after_seconds: retryAfterSeconds }) };
  const extensions = Object.keys(details).length > 0 ? { extensions: details } : {};
  return { status, code: error.code, title, detail: error.message, ...(errors ? { errors } : {}), ...extensions, headers: headersFor(error) };
}

interface HttpLikeError {
  status: number;
  type?: string;
  message: string;
  errors?: { path?: string; message?: string; errorCode?: string }[];
  headers?: Record<string, string>;
}

// body-parser and express-openapi-validator both throw errors carrying `status`.
function asHttpError(error: unknown): HttpLikeError | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const status = (error as { status?: unknown }).status;
  if (typeof status !== 'number' || status < 400 || status > 499) return undefined;
  return error as HttpLikeError;
}

function fromHttpError(error: HttpLikeError): ProblemInit {
  // body-parser reports a failed `verify` as 403; the body is what is wrong.
  if (error.type === INVALID_UTF8) return { status: 400, code: 'INVALID_UTF8', title: 'The body is not valid UTF-8', detail: 'Send the JSON document encoded as UTF-8.' };
  switch (error.status) {
    case 400:
      if (error.type === 'entity.parse.failed') return { status: 400, code: 'MALFORMED_JSON', title: 'The body is not valid JSON', detail: 'Send a well-formed JSON document.' };
      if (error.errors) return { status: 400, code: 'VALIDATION_FAILED', title: 'The request is not valid', detail: detailOf(error), errors: fieldErrors(error) };
      return { status: 400, code: 'BAD_REQUEST', title: 'The request cannot be read', detail: error.message };
    case 404:
      return { status: 404, code: 'ROUTE_NOT_FOUND', title: 'No such route', detail: 'See the API description at /openapi.yaml.' };
    case 405:
      return { status: 405, code: 'METHOD_NOT_ALLOWED', title: 'Method not allowed on this route', headers: allowHeader(error) };
    case 413:
      return { status: 413, code: 'PAYLOAD_TOO_LARGE', title: 'The body is too large', detail: error.message };
    case 415:
      return { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', title: 'Unsupported content type', detail: 'Send application/json.' };
    default:
      return { status: error.status, code: 'BAD_REQUEST', title: 'The request cannot be served', detail: error.message };
  }
}

function fieldErrors(error: HttpLikeError): FieldError[] {
  return (error.errors ?? []).map((item) => ({
    pointer: toPointer(item.path ?? ''),
    message: item.message ?? 'is not valid',
    // `format.openapi.validation` → `format`: the JSON Schema keyword that failed.
    ...(item.errorCode ? { code: item.errorCode.replace(/\.openapi\.validation$/, '') } : {}),
  }));
}

// The validator says `/params/id` and `/headers/if-match`; the contract
// promises `/path/id` and `/header/if-match`.
function toPointer(path: string): string {
  return path.replace(/^\/params\//, '/path/').replace(/^\/headers\//, '/header/');
}

function detailOf(error: HttpLikeError): string {
  return (error.errors?.length ?? 0) > 0 ? 'See `errors` for each field that failed.' : error.message;
}

function allowHeader(error: HttpLikeError): Record<string, string> {
  const allow = error.headers?.Allow ?? error.headers?.allow;
  return allow ? { Allow: allow } : {};
}

function isAbortOf(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.cause instanceof DeadlineExceededError);
}

// The access log writes the one line for this request and carries the error.
function recordForAccessLog(res: Response, error: unknown): void {
  res.err = error instanceof Error ? error : new Error(String(error));
}

function headersFor(error: DomainError): Record<string, string> {
  const retryAfterSeconds = retryAfterOf(error);
  if (retryAfterSeconds !== undefined) return { 'Retry-After': String(retryAfterSeconds) };
  if (error.kind === 'unavailable') return { 'Retry-After': '1' };
  if (error.kind === 'unauthorized') return { 'WWW-Authenticate': error.code === 'INVALID_TOKEN' ? 'Bearer error="invalid_token"' : 'Bearer' };
  return {};
}

// Errors that say when to come back (a gateway's Retry-After, a request in progress), in whole seconds.
function retryAfterOf(error: DomainError): number | undefined {
  return error.retryAfterMs === undefined ? undefined : Math.max(1, Math.ceil(error.retryAfterMs / 1000));
}

/** A domain error's `details`, as snake_case problem extension members. */
function detailsOf(error: DomainError): Record<string, unknown> | undefined {
  const details = (error as DomainError & { details?: unknown }).details;
  if (typeof details !== 'object' || details === null) return undefined;
  const members = snakeCase(details) as Record<string, unknown>;
  // A detail must not overwrite a member of the problem itself (e.g. an order's `status`).
  return Object.fromEntries(Object.entries(members).map(([key, value]) => [PROBLEM_MEMBERS.has(key) ? `resource_${key}` : key, value]));
}

const PROBLEM_MEMBERS = new Set(['type', 'title', 'status', 'detail', 'instance', 'code', 'trace_id', 'errors']);

function snakeCase(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(snakeCase);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), snakeCase(inner)]));
}
