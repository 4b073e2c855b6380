import { DependencyUnavailableError } from '../../domain/shared/domain-error.ts';

/** SQLSTATE codes this service reacts to. */
const UNIQUE_VIOLATION = '23505';
const FOREIGN_KEY_VIOLATION = '23503';

export function isForeignKeyViolation(error: unknown, constraint: string): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, constraint: violated } = error as { code?: unknown; constraint?: unknown };
  return code === FOREIGN_KEY_VIOLATION && violated === constraint;
}

export function isUniqueViolation(error: unknown, constraint: string): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, constraint: violated } = error as { code?: unknown; constraint?: unknown };
  return code === UNIQUE_VIOLATION && violated === constraint;
}

// Socket errors, connection exceptions (class 08), the server shutting down or
// starting (57P01-57P03), too many connections, and a statement cancelled by
// statement_timeout (57014): the request may well succeed a moment later.
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE', '57P01', '57P02', '57P03', '53300', '57014']);
const UNAVAILABLE_MESSAGES = [/timeout exceeded when trying to connect/i, /connection terminated/i, /is not currently accepting connections/i, /client has encountered a connection error/i];

function isUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) return true;
  if (error instanceof AggregateError) return error.errors.some(isUnavailable);
  return UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(error.message));
}

/** Turns failures of the database itself into a domain error; others pass through. */
export function translatePgError(error: unknown): unknown {
  return isUnavailable(error) ? new DependencyUnavailableError('postgres', { cause: error }) : error;
}
